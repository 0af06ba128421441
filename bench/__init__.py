"""``opsdash bench``: the performance benchmark of the dashboard and its budgets.

``workloads`` says what each page computes; ``pages`` measures a page cold, warm and against
its SQL floor; ``naive`` and ``export_job`` run in child processes; ``runner`` puts it all
together and ``report`` writes bench.json and bench.md; ``browser_sessions`` opens every page in
concurrent headless browsers and ``load_report`` summarises what they saw.
"""

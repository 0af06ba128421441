"""The deterministic sample-data generator behind ``opsdash seed``.

``generate`` builds every warehouse table as pandas frames from the reference inputs in
``sample_data/`` and a seed; ``seed_warehouse`` writes them with the warehouse writer.
"""

from dashboard.seed.pipeline import generate
from dashboard.seed.warehouse import seed_warehouse

__all__ = ["generate", "seed_warehouse"]

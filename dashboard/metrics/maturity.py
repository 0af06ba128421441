"""Which horizon or window a page opens on: the rule that keeps immature figures out of headlines.

A figure counted within N days of each member's start (a new customer's first order, a lead's
creation) is complete for the members whose N days have passed by the data's end, and still
growing for the rest. A page's default view opens on the longest N that at least
``COMPLETE_SHARE`` of the period's members have had in full; when none has, on the page's
period figure (the channels page's period ROI) or its shortest N, marked as maturing. A URL that
names an N still gets it, with the share that has had it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

# At least this share of the cohort has had the whole horizon or window: complete enough to
# headline. Not 100%: a period of four weeks ending with the data's last complete week would
# then never headline any window (the last days' leads have always had less than a week).
COMPLETE_SHARE = 0.7


def is_complete(share: float | None) -> bool:
    """True when ``share`` of the cohort has had the whole span (an empty cohort is not)."""
    return share is not None and share >= COMPLETE_SHARE


def longest_complete(spans: Sequence[int], shares: Mapping[int, float | None]) -> int | None:
    """The longest span in ``spans`` whose share is complete enough, None when none is."""
    complete = [s for s in spans if is_complete(shares.get(s))]
    return max(complete) if complete else None


def shares(counts: Mapping[int, float], members: float) -> dict[int, float | None]:
    """Each span's share of the members who have had it (None for an empty cohort)."""
    return {span: (float(n) / members if members else None) for span, n in counts.items()}

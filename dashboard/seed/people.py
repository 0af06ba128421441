"""Synthetic personal details: Chinese names, mobile numbers, gender, birth year, home area.

Everything is built column-wise (no per-person Python), and phone numbers are unique by
construction: the last eight digits are an affine permutation of the customer index.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dashboard.seed.core import draw_discrete
from dashboard.seed.reference import Reference

# Mobile prefixes of the three carriers' 13x / 15x / 18x ranges.
PHONE_PREFIXES = np.array(
    [130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 150, 151, 152, 153, 155, 156, 157, 158]
    + [159, 180, 181, 182, 183, 184, 185, 186, 187, 188, 189],
    dtype=np.int64,
)
_PERM_MUL = 73_939_133  # odd and not a multiple of 5: a bijection modulo 10**8
_PERM_ADD = 12_345_678
FEMALE_SHARE = np.array([0.52, 0.56, 0.86])  # eye, dental, aesthetic
TWO_CHAR_GIVEN = 0.72  # most given names today have two characters
HOME_SPREAD_DEG = 0.07  # about 7 km around the city centre
HOME_DECIMALS = 2  # rounded to about a kilometre: the district, never the address


def _as_str(values: np.ndarray) -> pd.array:
    """A numpy unicode array as a pandas ``str`` column."""
    return pd.array(pa.array(values, type=pa.string()), dtype="str")


def genders(spec: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """True for female, by specialty mix."""
    return rng.random(len(spec)) < FEMALE_SHARE[spec]


def names(ref: Reference, female: np.ndarray, rng: np.random.Generator) -> pd.array:
    """Surname (weighted by frequency) plus one or two gendered given-name characters."""
    n = len(female)
    sur = ref.surnames
    pick = draw_discrete(sur["weight"].to_numpy(float), rng.random(n, dtype=np.float32))
    surname = sur["surname"].to_numpy(str)[pick]
    chars = ref.given_chars
    pools = {g: chars.loc[chars["gender"].isin([g, "U"]), "char"].to_numpy(str) for g in ("F", "M")}

    def draw() -> np.ndarray:
        f = pools["F"][rng.integers(0, len(pools["F"]), n)]
        m = pools["M"][rng.integers(0, len(pools["M"]), n)]
        return np.where(female, f, m)

    first, second = draw(), draw()
    second = np.where(rng.random(n) < TWO_CHAR_GIVEN, second, "")
    return _as_str(np.strings.add(np.strings.add(surname, first), second))


def phones(n: int, rng: np.random.Generator) -> pd.array:
    """Unique synthetic 11-digit mobile numbers (13x/15x/18x)."""
    suffix = (np.arange(n, dtype=np.int64) * _PERM_MUL + _PERM_ADD) % 10**8
    number = PHONE_PREFIXES[rng.integers(0, len(PHONE_PREFIXES), n)] * 10**8 + suffix
    return pd.array(pc.cast(pa.array(number), pa.string()), dtype="str")


def birth_years(spec: np.ndarray, ref_year: int, rng: np.random.Generator) -> np.ndarray:
    """Ages by specialty: eye has students and over-60 cataract patients, aesthetics is young."""
    n = len(spec)
    age = np.empty(n)
    u = rng.random(n)
    eye, dental, aes = spec == 0, spec == 1, spec == 2
    age[eye] = np.where(
        u[eye] < 0.45,
        rng.normal(20, 4, n)[eye],
        np.where(u[eye] < 0.85, rng.normal(33, 7, n)[eye], rng.normal(66, 6, n)[eye]),
    )
    age[dental] = np.where(
        u[dental] < 0.2, rng.normal(12, 3, n)[dental], rng.normal(42, 13, n)[dental]
    )
    age[aes] = rng.normal(31, 7, n)[aes]
    return (ref_year - np.clip(np.round(age), 6, 85)).astype(np.int32)


def home_points(
    lat: np.ndarray, lon: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Home district coordinates: jittered around the city centre, rounded to a kilometre grid."""
    n = len(lat)
    hl = lat + rng.normal(0, HOME_SPREAD_DEG, n)
    ho = lon + rng.normal(0, HOME_SPREAD_DEG, n)
    return np.round(hl, HOME_DECIMALS), np.round(ho, HOME_DECIMALS)

"""The compiled core writes the floats of its rows' JSON (exposure, targets, reports) without Python's dtoa: its
digits must be exactly ``repr``'s, or the stored documents would change."""

from __future__ import annotations

import math
import random
import struct

from pycore_ext.runner import short_repr


def _double(biased_exponent: int, fraction: int) -> float:
    return float(struct.unpack("<d", struct.pack("<Q", (biased_exponent << 52) | fraction))[0])


def _agree(values: list[float]) -> None:
    """Inside 2^-13 <= |v| < 2^53 the fast repr is repr; outside it declines (None) and Python's is used."""
    got = [short_repr(v) for v in values]
    want = [repr(v) if 2.0**-13 <= abs(v) < 2.0**53 else None for v in values]
    assert got == want


def test_short_repr_is_repr_on_random_doubles_of_its_range() -> None:
    rng = random.Random(13)
    values = [_double(rng.randrange(1023 - 13, 1023 + 53), rng.getrandbits(52)) for _ in range(200_000)]
    values += [-v for v in values[:1000]]
    _agree(values)


def test_short_repr_is_repr_at_powers_of_two_short_decimals_and_money() -> None:
    rng = random.Random(14)
    values = []
    for e in range(-13, 53):  # where the rounding interval is lopsided, and either side of it
        p = 2.0**e
        values += [p, math.nextafter(p, 0.0), math.nextafter(p, math.inf)]
    values += (
        [i / 100 for i in range(1, 20_000)] + [1 / i for i in range(1, 20_000)] + [float(i) for i in range(1, 2000)]
    )
    values += [0.02, 0.1, 0.3, 2.0**53 - 1, 9_345_878.389233194, 1e15 + 0.5, 1.2e-4]
    values += [round(rng.uniform(0, 1e7), 2) for _ in range(20_000)] + [rng.uniform(0.9, 1.1) for _ in range(20_000)]
    _agree(values)


def test_short_repr_leaves_the_rest_to_python() -> None:
    for v in (0.0, -0.0, 2.0**53, 1e16, 1e300, 2.0**-14, 1e-5, 5e-324, math.inf, -math.inf, math.nan):
        assert short_repr(v) is None, v

"""Confidence intervals for failure rates."""

from __future__ import annotations

import math

Z95 = 1.959963984540054


def wilson(failures: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval for ``failures`` out of ``n`` (95% by default).

    It stays inside [0, 1] and is sensible at 0 and n failures, unlike the normal
    approximation. ``n == 0`` gives the uninformative interval (0.0, 1.0).
    """
    if n == 0:
        return (0.0, 1.0)
    p = failures / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    low = 0.0 if failures == 0 else max(0.0, centre - half)
    high = 1.0 if failures == n else min(1.0, centre + half)
    return (low, high)

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


def log_factorials(n: int):
    """``log(k!)`` for k = 0..n as a numpy array (exact sums of logs, no gamma function needed)."""
    import numpy as np

    out = np.zeros(n + 1)
    if n > 0:
        np.cumsum(np.log(np.arange(1, n + 1, dtype=float)), out=out[1:])
    return out


def hypergeom_sf(f: int, n: int, failures: int, total: int, logfact=None) -> float:
    """P(X >= f) for X ~ Hypergeometric(total cases, ``failures`` failing, ``n`` drawn).

    The one-sided exact (Fisher) p-value that a slice of ``n`` cases with ``f``
    failures fails more often than the rest of the ``total`` cases. Summed in log
    space, so it stays exact for p-values far below 1e-300 and for large counts.
    """
    import numpy as np

    low, high = max(f, 0, n - (total - failures)), min(n, failures)
    if low > high:
        return 0.0
    lf = logfact if logfact is not None else log_factorials(total)
    k = np.arange(low, high + 1)
    terms = (lf[failures] - lf[k] - lf[failures - k] + lf[total - failures] - lf[n - k]
             - lf[total - failures - n + k] - lf[total] + lf[n] + lf[total - n])
    top = terms.max()
    return float(min(1.0, math.exp(top) * np.exp(terms - top).sum()))


def binom_sf(k: int, n: int) -> float:
    """P(X >= k) for X ~ Binomial(n, 1/2): the one-sided exact sign (McNemar) test."""
    if k <= 0:
        return 1.0
    if k > n:
        return 0.0
    lf = log_factorials(n)
    import numpy as np

    i = np.arange(k, n + 1)
    terms = lf[n] - lf[i] - lf[n - i] - n * math.log(2.0)
    top = terms.max()
    return float(min(1.0, math.exp(top) * np.exp(terms - top).sum()))


def benjamini_hochberg(pvalues, m: int | None = None):
    """Benjamini-Hochberg adjusted p-values (q-values) of ``pvalues`` among ``m`` hypotheses.

    ``m`` may exceed ``len(pvalues)``: hypotheses left out (because they could never
    reach significance) still count, which keeps the adjustment conservative.
    """
    import numpy as np

    p = np.asarray(pvalues, dtype=float)
    m = len(p) if m is None else m
    if len(p) == 0:
        return p
    order = np.argsort(p, kind="stable")
    ranked = p[order] * m / np.arange(1, len(p) + 1)
    adjusted = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty_like(p)
    out[order] = np.minimum(adjusted, 1.0)
    return out


def hypergeom_sf_many(f, n, failures: int, total: int, logfact=None):
    """:func:`hypergeom_sf` for arrays of slices (``f`` failures among ``n`` cases each), vectorised.

    Starts at the first term and adds terms by their exact ratio until what is left
    is below 1e-17 of the sum (the tail of a hypergeometric past its mode shrinks
    geometrically), so the cost grows with the spread, not with the counts.
    """
    import numpy as np

    f, n = np.asarray(f, dtype=np.int64), np.asarray(n, dtype=np.int64)
    F, N = failures, total
    lf = logfact if logfact is not None else log_factorials(N)
    k = np.maximum(f, np.maximum(0, n - (N - F)))
    high = np.minimum(n, F)
    out = np.zeros(f.shape, dtype=float)
    live = k <= high
    if not live.any():
        return out
    kk, nn, hh = k[live], n[live], high[live]
    logterm = (lf[F] - lf[kk] - lf[F - kk] + lf[N - F] - lf[nn - kk] - lf[N - F - nn + kk]
               - lf[N] + lf[nn] + lf[N - nn])
    term = np.ones(len(kk))
    total_sum = np.ones(len(kk))
    idx = np.arange(len(kk))
    while len(idx):
        step = idx[kk[idx] < hh[idx]]
        if not len(step):
            break
        k0, n0 = kk[step].astype(float), nn[step].astype(float)
        ratio = (F - k0) * (n0 - k0) / ((k0 + 1) * (N - F - n0 + k0 + 1))
        term[step] *= ratio
        total_sum[step] += term[step]
        kk[step] += 1
        big = step[total_sum[step] > 1e200]  # below the mode terms grow: rescale, keep the scale in logterm
        if len(big):
            logterm[big] += np.log(total_sum[big])
            term[big] /= total_sum[big]
            total_sum[big] = 1.0
        # past the mode the ratio keeps falling, so the rest is at most term * r / (1 - r)
        done = (ratio < 1) & (term[step] * ratio < 1e-17 * total_sum[step] * (1 - ratio))
        idx = step[~done]
    out[live] = np.minimum(1.0, np.exp(logterm) * total_sum)
    return out


def min_attainable_p(n, failures: int, total: int, logfact=None):
    """The smallest one-sided hypergeometric p-value a slice of ``n`` cases could reach (Tarone).

    It depends only on the margins, not on which cases failed, so slices that could
    never be significant can be left out of the multiple-comparison count validly.
    """
    import numpy as np

    n = np.asarray(n, dtype=np.int64)
    return hypergeom_sf_many(np.minimum(n, failures), n, failures, total, logfact)

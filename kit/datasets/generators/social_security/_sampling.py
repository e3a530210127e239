"""Fast, draw-for-draw equivalents of ``Generator.choice`` over a pool that shrinks.

Part of :mod:`kit.datasets.generators.social_security`. Loops that pick one person at a time
from "everyone still free" would rebuild the pool (``np.flatnonzero`` of a mask) and its
probabilities for every pick: quadratic in the number of persons. :class:`Pool` keeps the
free persons in blocks with per-block weight sums, so a pick costs about one block, and the
functions below consume the random stream exactly as ``rng.choice`` would and return the same
persons: the same seed gives the same world whichever way it is computed.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

_BLOCK = 1024


class Pool:
    """Persons still free for drawing, in index order, each with a positive integer weight.

    Parameters
    ----------
    mask : ndarray of bool
        Who is in the pool at the start.
    weights : ndarray of int, optional
        Relative weight of each person (default 1: a uniform pool).
    """

    def __init__(self, mask: np.ndarray, weights: np.ndarray | None = None) -> None:
        n = len(mask)
        self.mask = np.array(mask, dtype=bool)
        self.weights = np.ones(n, dtype=np.int64) if weights is None else weights.astype(np.int64)
        padded = np.zeros(-(-n // _BLOCK) * _BLOCK, dtype=np.int64)
        padded[:n] = np.where(self.mask, self.weights, 0)
        self.sums = padded.reshape(-1, _BLOCK).sum(axis=1)

    def total(self) -> int:
        """Sum of the weights of the persons in the pool (their number if uniform)."""
        return int(self.sums.sum())

    def remove(self, person: int) -> None:
        """Take ``person`` out of the pool (no-op if not in it)."""
        if self.mask[person]:
            self.mask[person] = False
            self.sums[person // _BLOCK] -= self.weights[person]

    def find(self, x: float) -> tuple[int, int, int] | None:
        """First person whose cumulative weight (in index order) exceeds ``x``.

        Returns the person and the cumulative weight before and including them, or ``None``
        when ``x`` is not below the total.
        """
        cum = np.cumsum(self.sums)
        b = int(np.searchsorted(cum, x, side="right"))
        if b >= len(cum):
            return None
        lo = b * _BLOCK
        pos = lo + np.flatnonzero(self.mask[lo : lo + _BLOCK])
        upto = np.cumsum(self.weights[pos]) + (int(cum[b - 1]) if b else 0)
        j = int(np.searchsorted(upto, x, side="right"))
        person = int(pos[j])
        return person, int(upto[j]) - int(self.weights[person]), int(upto[j])


def choose_weighted(
    rng: np.random.Generator, pool: Pool, float_weights: Callable[[np.ndarray], np.ndarray]
) -> int:
    """Same as ``int(rng.choice(options, p=w / w.sum()))`` over the pool's persons.

    ``options = np.flatnonzero(pool.mask)`` and ``w = float_weights(options)``, which must be
    proportional to ``pool.weights`` up to rounding. ``Generator.choice`` draws one uniform ``u``
    and returns the first option whose normalised cumulative probability exceeds it; the pool
    finds that option from exact integer sums, and when ``u`` lies too close to a boundary for
    floating-point rounding to be ruled out it repeats numpy's own computation.
    """
    total = pool.total()
    if total <= 0:
        raise ValueError("no one left in the pool to draw from")
    u = rng.random()
    hit = pool.find(u * total)
    if hit is not None:
        person, before, upto = hit
        tol = 1e-9 + 1e-14 * len(pool.mask)  # far above numpy's rounding of the cumsum
        if abs(before / total - u) > tol and abs(upto / total - u) > tol:
            return person
    options = np.flatnonzero(pool.mask)
    w = float_weights(options)
    cdf = np.cumsum(w / w.sum())
    cdf /= cdf[-1]
    return int(options[cdf.searchsorted(u, side="right")])


def choose_uniform(rng: np.random.Generator, pool: Pool, size: int) -> list[int]:
    """Same as ``list(rng.choice(np.flatnonzero(pool.mask), size, replace=False))``."""
    if size <= 0:
        return []
    positions = rng.choice(pool.total(), size=size, replace=False)
    found = [pool.find(int(q)) for q in positions]
    return [hit[0] for hit in found if hit is not None]

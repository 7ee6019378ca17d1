# ruff: noqa: PLR0917, SIM108 - numba kernels: positional arrays, branches kept plain
"""Sampling for Monte Carlo: durations from uniforms, PERT-beta tables, copula, risk events.

Every random duration is drawn by inversion, ``F⁻¹(u)`` of one uniform ``u`` per task and
iteration, so that the same ``u`` serves three purposes: the duration, the Gaussian copula
(correlated tasks get ``u = Φ(x)`` from correlated normal scores) and the rank correlation
of sensitivity (``u`` is the duration's quantile in its own distribution).

* Triangular ``(a, m, b)``: the closed-form inverse of its CDF.
* PERT-beta: ``a + (b − a)·X`` with ``X ~ Beta(α, β)``, ``α = 1 + 4(m − a)/(b − a)``,
  ``β = 1 + 4(b − m)/(b − a)`` (mean ``(a + 4m + b)/6``). The beta quantile has no closed
  form: it is tabulated once per distinct ``(α, β)`` on a grid of ``u`` and interpolated.
"""

from __future__ import annotations

import math

import numpy as np

from progman.engine.jit import kernel

TRIANGULAR, PERT = 0, 1
PPF_POINTS = 2049  # quantile table size per distinct PERT shape
_CDF_POINTS = 1 << 16  # integration grid for the beta CDF


def pert_shape(a: np.ndarray, m: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """PERT-beta ``(α, β)`` for each three-point estimate (``b > a``)."""
    width = b - a
    return 1.0 + 4.0 * (m - a) / width, 1.0 + 4.0 * (b - m) / width


def beta_quantile_table(alpha: float, beta: float) -> np.ndarray:
    """``Beta(α, β)`` quantiles at ``u = 0, 1/(PPF_POINTS-1), ..., 1`` (α, β ≥ 1).

    The CDF comes from the density integrated with the midpoint rule on a fine grid; the
    quantiles by inverting it linearly. Errors are far below one minute of any duration.
    """
    edges = np.linspace(0.0, 1.0, _CDF_POINTS + 1)
    mid = (edges[:-1] + edges[1:]) / 2
    log_density = (alpha - 1.0) * np.log(mid) + (beta - 1.0) * np.log1p(-mid)
    density = np.exp(log_density - log_density.max())
    cdf = np.concatenate(([0.0], np.cumsum(density)))
    cdf /= cdf[-1]
    return np.interp(np.linspace(0.0, 1.0, PPF_POINTS), cdf, edges)


def pert_tables(alpha: np.ndarray, beta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Quantile tables for the distinct shapes (rounded to 1e-6) and each task's row."""
    keys = np.round(np.stack([alpha, beta], axis=1), 6)
    if keys.shape[0] == 0:
        return np.zeros((0, PPF_POINTS)), np.zeros(0, dtype=np.int64)
    shapes, row = np.unique(keys, axis=0, return_inverse=True)
    tables = np.stack([beta_quantile_table(float(x), float(y)) for x, y in shapes])
    return tables, row.reshape(-1).astype(np.int64)


@kernel
def sample_durations(u, tasks, low, mode, high, kind, table_row, tables, duration):  # type: ignore[no-untyped-def]
    """``duration[tasks[j], it] = F_j⁻¹(u[it, j])`` in whole minutes, for each iteration."""
    width = u.shape[0]
    last = tables.shape[1] - 1
    for j in range(tasks.shape[0]):
        i = tasks[j]
        a = low[j]
        b = high[j]
        span = b - a
        if kind[j] == 0:  # triangular
            split = (mode[j] - a) / span
            left = span * (mode[j] - a)
            right = span * (b - mode[j])
            for it in range(width):
                x = np.float64(u[it, j])
                if x < split:
                    value = a + math.sqrt(x * left)
                else:
                    value = b - math.sqrt((1.0 - x) * right)
                duration[i, it] = np.int64(value + 0.5)
        else:  # PERT-beta, from its quantile table
            row = table_row[j]
            for it in range(width):
                position = np.float64(u[it, j]) * last
                k = min(np.int64(position), last - 1)
                frac = position - k
                q = tables[row, k] + frac * (tables[row, k + 1] - tables[row, k])
                duration[i, it] = np.int64(a + span * q + 0.5)


@kernel
def copula_uniforms(factor, noise, group, rho, columns, u):  # type: ignore[no-untyped-def]
    """Correlated uniforms: ``u = Φ(√ρ_g·f_g + √(1 − ρ_g)·z)`` for each correlated task.

    Normal scores with a common factor per group have correlation ρ between any two tasks
    of the group: the closed form of the Cholesky factor of an equicorrelation matrix.
    """
    for k in range(columns.shape[0]):
        g = group[k]
        shared = math.sqrt(rho[g])
        own = math.sqrt(1.0 - rho[g])
        j = columns[k]
        for it in range(u.shape[0]):
            x = shared * factor[it, g] + own * noise[it, k]
            value = 0.5 * math.erfc(-x / math.sqrt(2.0))
            u[it, j] = min(value, 0.99999994)  # the largest float32 below 1


@kernel
def apply_risks(fired, pointer, task, minutes, duration):  # type: ignore[no-untyped-def]
    """Add each fired risk's schedule impact to the tasks it affects (never below zero)."""
    for r in range(pointer.shape[0] - 1):
        for it in range(fired.shape[0]):
            if not fired[it, r]:
                continue
            for k in range(pointer[r], pointer[r + 1]):
                i = task[k]
                duration[i, it] = max(duration[i, it] + minutes[k], 0)


def average_ranks(values: np.ndarray) -> np.ndarray:
    """Ranks 1..n, ties sharing their average rank (as Spearman's coefficient needs)."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    ends = np.concatenate((starts[1:], [values.shape[0]]))
    average = (starts + ends + 1) / 2.0  # mean of the 1-based ranks starts+1 .. ends
    ranks = np.empty(values.shape[0], dtype=np.float64)
    ranks[order] = np.repeat(average, ends - starts)
    return ranks

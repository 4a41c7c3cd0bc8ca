"""Exact marginal log-likelihood of a layered sigmoid belief network.

log p_G(x) sums over every joint state of the hidden layers. Summing one
layer at a time keeps the cost at about

    n_rows * 2**n_1 * n_0  +  sum over l of 2**n_l * 2**n_(l+1) * n_l

multiply-adds instead of ``n_rows * 2**(n_1 + ... + n_L) * n_0``: the
distribution of each hidden layer is a log-sum over the states of the layer
above, and the data term is one matrix product per block of rows and states.
"""

import numpy as np
from sklearn import get_config

from ._network import log_bernoulli, softplus

# Exact scoring enumerates all 2**n states of each hidden layer, so the width
# of a hidden layer and the number of state pairs between two adjacent hidden
# layers are capped. 2**20 states take seconds per thousand rows of 100
# features; 2**30 state pairs take about ten seconds on a 2-core machine.
MAX_EXACT_UNITS = 20
MAX_STATE_PAIRS = 2**30

# Largest working array of exact scoring, in bytes.
BLOCK_BYTES = 64 * 2**20


def binary_states(start, stop, n_units, dtype=np.float64):
    """Return the states ``start..stop-1`` of an ``n_units`` layer as 0/1 rows.

    State ``s`` sets unit ``j`` to bit ``j`` of the integer ``s``.
    """
    codes = np.arange(start, stop, dtype=np.int64)[:, np.newaxis]
    return ((codes >> np.arange(n_units, dtype=np.int64)) & 1).astype(dtype)


def check_exact_tractable(hidden_layer_sizes):
    """Raise ValueError when exact scoring of these hidden layers is too costly."""
    for index, n_units in enumerate(hidden_layer_sizes, start=1):
        if n_units > MAX_EXACT_UNITS:
            raise ValueError(
                f"Exact log-likelihood needs all {_count(n_units)} states "
                f"of hidden layer {index} ({n_units} units), but at most "
                f"2**{MAX_EXACT_UNITS} states per layer can be enumerated. Use "
                f"hidden layers of at most {MAX_EXACT_UNITS} units to score exactly."
            )
    for index in range(1, len(hidden_layer_sizes)):
        lower, upper = hidden_layer_sizes[index - 1], hidden_layer_sizes[index]
        if 2 ** (lower + upper) > MAX_STATE_PAIRS:
            raise ValueError(
                f"Exact log-likelihood needs all {_count(lower + upper)} "
                f"state pairs of hidden layers {index} and "
                f"{index + 1} ({lower} and {upper} units), but at most "
                f"2**{MAX_STATE_PAIRS.bit_length() - 1} pairs can be enumerated. "
                "Make these two layers narrower to score exactly."
            )


def _count(exponent):
    """Return ``2**exponent`` as text, with its digits while they stay short."""
    if exponent > 64:
        return f"2**{exponent}"
    return f"2**{exponent} = {2**exponent}"


def exact_cost(n_units, n_rows):
    """Return the estimated multiply-adds of exact scoring of ``n_rows`` rows.

    ``n_units`` lists the widths of all layers, the data layer first.
    """
    cost = n_rows * 2 ** n_units[1] * n_units[0]
    for lower, upper in zip(n_units[1:-1], n_units[2:]):
        cost += 2**lower * 2**upper * (lower + 1)
    return cost


def working_memory_bytes():
    """Return scikit-learn's ``working_memory`` setting in bytes."""
    return int(get_config()["working_memory"] * 2**20)


def rows_per_chunk(row_bytes, n_rows):
    """Return how many rows of ``row_bytes`` each fit the working memory.

    The budget is scikit-learn's ``working_memory`` setting, capped at
    ``BLOCK_BYTES``: chunks that stay near the cache size ran faster than
    larger ones in the sampling and transform benchmarks.
    """
    budget = min(working_memory_bytes(), BLOCK_BYTES)
    return int(min(max(n_rows, 1), max(1, budget // row_bytes)))


def _block_sizes(n_rows, n_states, n_lower, itemsize):
    """Return (states per block, rows per chunk) that fit the working memory.

    Each of two arrays gets half of the budget: the logits of a block of
    upper-layer states, and the joint log-probabilities of a chunk of rows
    with that block. The budget is scikit-learn's ``working_memory`` setting,
    capped at ``BLOCK_BYTES`` so the arrays stay small enough to be reused
    from cache between the matrix product and the log-sum-exp.
    """
    budget = min(working_memory_bytes(), BLOCK_BYTES) // 2
    states = int(min(n_states, max(1, budget // (2 * n_lower * itemsize))))
    rows = int(min(max(n_rows, 1), max(1, budget // (2 * states * itemsize))))
    return states, rows


def log_mixture(rows_of, n_rows, log_upper, coef, intercept):
    """Return log sum_t p(t) p(y | t) for every row y of the lower layer.

    ``rows_of(start, stop)`` returns rows ``start..stop-1`` of the lower
    layer; ``log_upper[t]`` is log p(t) for each state ``t`` of the upper
    layer, whose generative weights to the lower layer are ``coef`` and
    ``intercept``. The sum streams over blocks of upper states and chunks of
    rows, so memory stays within the working-memory budget.
    """
    n_upper, n_lower = coef.shape
    dtype = coef.dtype
    n_states = 2**n_upper
    states_per_block, rows_per_chunk = _block_sizes(
        n_rows, n_states, n_lower, dtype.itemsize
    )
    result = np.full(n_rows, -np.inf, dtype=dtype)
    for state_start in range(0, n_states, states_per_block):
        state_stop = min(state_start + states_per_block, n_states)
        states = binary_states(state_start, state_stop, n_upper, dtype)
        logits = states @ coef + intercept
        # log p(y | t) = y . a_t + sum_j log sigmoid(-a_tj), so the data term
        # of a whole chunk is one matrix product plus a per-state offset.
        offset = log_upper[state_start:state_stop] - softplus(logits).sum(axis=1)
        for row_start in range(0, n_rows, rows_per_chunk):
            row_stop = min(row_start + rows_per_chunk, n_rows)
            log_joint = rows_of(row_start, row_stop) @ logits.T
            log_joint += offset
            block_sum = _logsumexp_rows_in_place(log_joint)
            np.logaddexp(result[row_start:row_stop], block_sum, out=result[row_start:row_stop])
    return result


def _logsumexp_rows_in_place(values):
    """Return log sum_j exp(values[i, j]) per row, overwriting ``values``.

    Every entry must be finite, which holds for log-probabilities computed
    from finite parameters.
    """
    row_max = values.max(axis=1)
    values -= row_max[:, np.newaxis]
    np.exp(values, out=values)
    return row_max + np.log(values.sum(axis=1))


def _log_top_prior(top_intercept):
    """Return log p_G(h_L = s) for every state s of the top layer, in blocks."""
    n_top = top_intercept.shape[0]
    dtype = top_intercept.dtype
    n_states = 2**n_top
    states_per_block = _block_sizes(1, n_states, n_top, dtype.itemsize)[0]
    log_prob = np.empty(n_states, dtype=dtype)
    for start in range(0, n_states, states_per_block):
        stop = min(start + states_per_block, n_states)
        states = binary_states(start, stop, n_top, dtype)
        log_prob[start:stop] = log_bernoulli(states, np.broadcast_to(top_intercept, states.shape))
    return log_prob


def log_hidden_marginal(gen_coefs, gen_intercepts):
    """Return log p_G(h_1 = s) for every state s of the first hidden layer."""
    log_prob = _log_top_prior(gen_intercepts[-1])
    for index in range(len(gen_coefs) - 1, 0, -1):
        n_lower = gen_coefs[index].shape[1]
        dtype = gen_coefs[index].dtype

        def states_of(start, stop, n_lower=n_lower, dtype=dtype):
            return binary_states(start, stop, n_lower, dtype)

        log_prob = log_mixture(
            states_of, 2**n_lower, log_prob, gen_coefs[index], gen_intercepts[index]
        )
    return log_prob


def log_marginal(gen_coefs, gen_intercepts, X, to_bits=None):
    """Return log p_G(x) for every row of X, summing out all hidden layers.

    ``to_bits``, when given, turns each chunk of rows of X into the model's
    inputs (e.g. by a threshold), so X is never converted whole.
    """
    check_exact_tractable([coef.shape[0] for coef in gen_coefs])
    log_first = log_hidden_marginal(gen_coefs, gen_intercepts)

    def rows_of(start, stop):
        rows = X[start:stop]
        return rows if to_bits is None else to_bits(rows)

    return log_mixture(rows_of, X.shape[0], log_first, gen_coefs[0], gen_intercepts[0])

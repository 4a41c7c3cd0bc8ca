"""Importance-sampled log-likelihood of a layered sigmoid belief network.

The recognition network is the proposal distribution. For each row x, K
explanations ``h_k ~ p_R(h | x)`` get the importance weights
``w_k = p_G(x, h_k) / p_R(h_k | x)``, and the estimate of log p_G(x) is
``log((w_1 + ... + w_K) / K)``, computed in log space. The mean of the weights
is an unbiased estimate of p_G(x), so by Jensen's inequality the expected
log estimate is a lower bound on log p_G(x). The bound tightens as K grows
and reaches log p_G(x) in the limit; with K = 1 it is the evidence lower
bound, the negative variational free energy.

Cost: about ``2 * n_rows * K * (n_0 n_1 + n_1 n_2 + ...)`` multiply-adds for
layer widths ``n_0`` (data), ``n_1``, ... .
"""

from numbers import Integral

import numpy as np
from scipy.special import logsumexp

from ._exact import MAX_EXACT_UNITS, MAX_STATE_PAIRS, exact_cost, rows_per_chunk
from ._network import expit, log_bernoulli, log_joint_generative, sample_bernoulli

# Largest number of samples per row drawn in one block. Larger K is summed
# over blocks, so memory does not grow with K.
MAX_SAMPLES_PER_BLOCK = 1000

# likelihood="auto" scores exactly when exact scoring of AUTO_REFERENCE_ROWS
# rows is estimated to cost at most AUTO_EXACT_BUDGET multiply-adds. The
# choice depends on the network only, so a model scores every data set the
# same way.
AUTO_EXACT_BUDGET = 2**36
AUTO_REFERENCE_ROWS = 1000

LIKELIHOOD_METHODS = ("auto", "exact", "importance")


def resolve_likelihood(likelihood, n_units):
    """Return "exact" or "importance" for the ``likelihood`` setting.

    ``n_units`` lists the widths of all layers, the data layer first.
    "auto" picks "exact" when every hidden layer and every pair of adjacent
    hidden layers can be enumerated and the estimated cost fits
    ``AUTO_EXACT_BUDGET``.
    """
    if likelihood not in LIKELIHOOD_METHODS:
        raise ValueError(
            f"likelihood must be one of {LIKELIHOOD_METHODS}, got {likelihood!r}."
        )
    if likelihood != "auto":
        return likelihood
    hidden = n_units[1:]
    enumerable = max(hidden) <= MAX_EXACT_UNITS and all(
        2 ** (lower + upper) <= MAX_STATE_PAIRS for lower, upper in zip(hidden, hidden[1:])
    )
    if enumerable and exact_cost(n_units, AUTO_REFERENCE_ROWS) <= AUTO_EXACT_BUDGET:
        return "exact"
    return "importance"


def sample_explanations(rec_coefs, rec_intercepts, X, n_samples, rng):
    """Draw ``n_samples`` explanations of each row of X from p_R(h | x).

    Returns ``(layers, log_recognition, logits)``. Each layer has ``n_rows
    * n_samples`` rows, the samples of data row ``i`` at rows ``i *
    n_samples`` to ``(i + 1) * n_samples - 1``; ``layers[0]`` repeats the
    data rows. ``log_recognition`` is log p_R(h | x) of each sample, and
    ``logits[i]`` the recognition logits that layer ``i + 1`` was drawn from.
    """
    # The first layer's logits depend on x only, so they are computed once
    # per data row and then repeated for its samples.
    logits = X @ rec_coefs[0] + rec_intercepts[0]
    logits = np.repeat(logits, n_samples, axis=0)
    layers = [np.repeat(X, n_samples, axis=0)]
    all_logits = []
    log_recognition = np.zeros(layers[0].shape[0], dtype=X.dtype)
    for index in range(len(rec_coefs)):
        if index > 0:
            logits = layers[-1] @ rec_coefs[index] + rec_intercepts[index]
        state = sample_bernoulli(expit(logits), rng)
        log_recognition += log_bernoulli(state, logits)
        layers.append(state)
        all_logits.append(logits)
    return layers, log_recognition, all_logits


def log_importance_weights(model, X, n_samples, rng):
    """Return ``(log_weights, layers)`` for ``n_samples`` explanations per row.

    ``model`` is the dict of the four parameter lists that
    ``wake_sleep_step`` takes. ``log_weights`` has shape ``(n_rows,
    n_samples)`` and contains ``log p_G(x, h_k) - log p_R(h_k | x)``;
    ``layers`` are the sampled states as ``sample_explanations`` returns them.
    """
    layers, log_recognition, _ = sample_explanations(
        model["rec_coefs"], model["rec_intercepts"], X, n_samples, rng
    )
    log_generative = log_joint_generative(model["gen_coefs"], model["gen_intercepts"], layers)
    log_weights = (log_generative - log_recognition).reshape(X.shape[0], n_samples)
    return log_weights, layers


def normalized_weights(log_weights):
    """Return the importance weights of each row normalised to sum to 1.

    ``log_weights`` has shape ``(n_rows, n_samples)``; the result has the
    same shape and is computed as a softmax along the samples, so it never
    overflows.
    """
    return mean_and_normalized_weights(log_weights)[1]


def mean_and_normalized_weights(log_weights):
    """Return ``(log_mean, weights)`` of the importance weights of each row.

    ``log_mean`` is the log of the mean weight of each row, the
    importance-sampled estimate of log p_G(x), and ``weights`` the weights
    normalised to sum to 1 per row. Both come from one shifted
    exponential, which cost a fraction of ``scipy.special.logsumexp`` on
    the small arrays of one training step.
    """
    row_max = log_weights.max(axis=1, keepdims=True)
    weights = np.exp(log_weights - row_max)
    totals = weights.sum(axis=1, keepdims=True)
    weights /= totals
    log_mean = row_max[:, 0] + np.log(totals[:, 0]) - np.log(log_weights.shape[1])
    return log_mean, weights


def importance_log_likelihood(model, X, n_samples, rng, to_bits=None):
    """Return the importance-sampled estimate of log p_G(x) for each row of X.

    ``to_bits``, when given, turns each chunk of rows of X into the model's
    inputs, so X is never converted whole.

    Rows are processed in chunks that fit scikit-learn's ``working_memory``
    and samples in blocks of at most ``MAX_SAMPLES_PER_BLOCK``. The chunk
    size sets the order in which the draws are used, so for a given ``rng``
    the estimate also depends on ``working_memory``.
    """
    if isinstance(n_samples, bool) or not isinstance(n_samples, Integral) or n_samples < 1:
        raise ValueError(
            f"n_importance_samples must be a positive integer, got {n_samples!r}. "
            "Pass e.g. n_importance_samples=1000."
        )
    n_rows = X.shape[0]
    block = min(n_samples, MAX_SAMPLES_PER_BLOCK)
    n_units = X.shape[1] + sum(coef.shape[1] for coef in model["rec_coefs"])
    row_bytes = 4 * block * n_units * X.dtype.itemsize
    chunk = rows_per_chunk(row_bytes, n_rows)

    result = np.empty(n_rows, dtype=X.dtype)
    for start in range(0, n_rows, chunk):
        X_chunk = X[start : start + chunk]
        if to_bits is not None:
            X_chunk = to_bits(X_chunk)
        total = np.full(X_chunk.shape[0], -np.inf, dtype=X.dtype)
        for done in range(0, n_samples, block):
            n_block = min(block, n_samples - done)
            log_weights, _ = log_importance_weights(model, X_chunk, n_block, rng)
            np.logaddexp(total, logsumexp(log_weights, axis=1), out=total)
        result[start : start + chunk] = total - np.log(n_samples)
    return result

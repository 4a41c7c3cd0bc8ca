"""Exact log-likelihood against a brute-force sum over all joint hidden states.

The reference here enumerates every joint state of all hidden units at once
with ``itertools.product`` and adds up ``p_G(x, h)``. It shares no code with
the layer-by-layer computation in the package.
"""

import itertools
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.special import log_expit, logsumexp
from sklearn.exceptions import ConvergenceWarning

from sk_helmholtz import HelmholtzMachine
from sk_helmholtz._exact import log_marginal

NETWORK_SHAPES = [
    (4, (3,)),
    (5, (3,)),
    (4, (3, 2)),
    (5, (3, 2)),
    (4, (2, 3, 2)),
    (5, (2, 3, 2)),
]


def all_binary_vectors(n_units):
    """Return all 2**n_units binary vectors as float rows, first unit slowest."""
    return np.array(list(itertools.product((0.0, 1.0), repeat=n_units)))


def log_bernoulli(h, logits):
    """Sum over the last axis of log Bernoulli(h; sigmoid(logits))."""
    return np.sum(h * log_expit(logits) + (1.0 - h) * log_expit(-logits), axis=-1)


def random_generative_network(rng, n_units, scale=2.0):
    """Draw generative coefficients and intercepts with normal(0, scale) entries."""
    gen_coefs = [
        scale * rng.standard_normal((n_units[i + 1], n_units[i]))
        for i in range(len(n_units) - 1)
    ]
    gen_intercepts = [scale * rng.standard_normal(n) for n in n_units]
    return gen_coefs, gen_intercepts


def random_recognition_network(rng, n_units, scale=2.0):
    """Draw recognition coefficients and intercepts with normal(0, scale) entries."""
    rec_coefs = [
        scale * rng.standard_normal((n_units[i], n_units[i + 1]))
        for i in range(len(n_units) - 1)
    ]
    rec_intercepts = [scale * rng.standard_normal(n) for n in n_units[1:]]
    return rec_coefs, rec_intercepts


def brute_force_log_marginal(gen_coefs, gen_intercepts, X):
    """Return log p_G(x) per row by summing p_G(x, h) over every joint hidden state."""
    hidden_sizes = [len(intercept) for intercept in gen_intercepts[1:]]
    n_layers = len(hidden_sizes)
    boundaries = np.cumsum(hidden_sizes)[:-1]

    log_joint_per_state = []
    for joint_state in all_binary_vectors(sum(hidden_sizes)):
        # hidden[k] is layer h_(k + 1), a 1-D vector of 0/1 values.
        hidden = np.split(joint_state, boundaries)

        log_prob = log_bernoulli(hidden[-1], gen_intercepts[n_layers])
        for layer in range(1, n_layers):
            logits = hidden[layer] @ gen_coefs[layer] + gen_intercepts[layer]
            log_prob += log_bernoulli(hidden[layer - 1], logits)

        data_logits = hidden[0] @ gen_coefs[0] + gen_intercepts[0]
        log_prob_rows = log_prob + log_bernoulli(X, data_logits)
        log_joint_per_state.append(log_prob_rows)

    return logsumexp(np.array(log_joint_per_state), axis=0)


def fitted_machine(n_features, hidden_layer_sizes):
    """Fit a machine with max_iter=1 on random binary data to get a fitted estimator."""
    rng = np.random.default_rng(0)
    X = rng.integers(0, 2, size=(20, n_features)).astype(np.float64)
    machine = HelmholtzMachine(
        hidden_layer_sizes=hidden_layer_sizes, max_iter=1, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        machine.fit(X)
    return machine


def machine_with_random_network(n_features, hidden_layer_sizes, seed):
    """Return a fitted machine whose four parameter lists are replaced by random ones."""
    machine = fitted_machine(n_features, hidden_layer_sizes)
    rng = np.random.default_rng(seed)
    n_units = [n_features, *hidden_layer_sizes]
    gen_coefs, gen_intercepts = random_generative_network(rng, n_units)
    rec_coefs, rec_intercepts = random_recognition_network(rng, n_units)
    machine.generative_coefs_ = gen_coefs
    machine.generative_intercepts_ = gen_intercepts
    machine.recognition_coefs_ = rec_coefs
    machine.recognition_intercepts_ = rec_intercepts
    return machine


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("n_features, hidden_layer_sizes", NETWORK_SHAPES)
def test_score_samples_matches_brute_force(n_features, hidden_layer_sizes, seed):
    machine = machine_with_random_network(n_features, hidden_layer_sizes, seed)
    X = all_binary_vectors(n_features)

    expected = brute_force_log_marginal(
        machine.generative_coefs_, machine.generative_intercepts_, X
    )
    scores = machine.score_samples(X)

    assert scores.shape == (len(X),)
    assert_allclose(scores, expected, rtol=0, atol=1e-10)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("n_features, hidden_layer_sizes", NETWORK_SHAPES)
def test_score_samples_sums_to_one(n_features, hidden_layer_sizes, seed):
    machine = machine_with_random_network(n_features, hidden_layer_sizes, seed)
    X = all_binary_vectors(n_features)

    total = np.exp(machine.score_samples(X)).sum()

    assert total == pytest.approx(1.0, rel=0, abs=1e-10)


@pytest.mark.parametrize("n_features, hidden_layer_sizes", NETWORK_SHAPES)
def test_brute_force_sums_to_one(n_features, hidden_layer_sizes):
    rng = np.random.default_rng(5)
    n_units = [n_features, *hidden_layer_sizes]
    gen_coefs, gen_intercepts = random_generative_network(rng, n_units)
    X = all_binary_vectors(n_features)

    total = np.exp(brute_force_log_marginal(gen_coefs, gen_intercepts, X)).sum()

    assert total == pytest.approx(1.0, rel=0, abs=1e-12)


@pytest.mark.parametrize("n_features, hidden_layer_sizes", NETWORK_SHAPES)
def test_log_marginal_matches_brute_force(n_features, hidden_layer_sizes):
    rng = np.random.default_rng(7)
    n_units = [n_features, *hidden_layer_sizes]
    gen_coefs, gen_intercepts = random_generative_network(rng, n_units)
    X = all_binary_vectors(n_features)

    expected = brute_force_log_marginal(gen_coefs, gen_intercepts, X)
    result = log_marginal(gen_coefs, gen_intercepts, X)

    assert_allclose(result, expected, rtol=0, atol=1e-10)


def test_score_samples_random_rows():
    machine = machine_with_random_network(4, (3, 2), seed=11)
    rng = np.random.default_rng(12)
    X = rng.integers(0, 2, size=(50, 4)).astype(np.float64)

    expected = brute_force_log_marginal(
        machine.generative_coefs_, machine.generative_intercepts_, X
    )

    assert_allclose(machine.score_samples(X), expected, rtol=0, atol=1e-10)


def test_score_samples_one_unit_network():
    machine = fitted_machine(1, (1,))
    # p(h = 1) = sigmoid(log 3) = 3 / (3 + 1) = 0.75.
    # p(x = 1 | h = 0) = sigmoid(log(1/4)) = (1/4) / (1/4 + 1) = 0.2.
    # p(x = 1 | h = 1) = sigmoid(log 36 + log(1/4)) = sigmoid(log 9) = 9 / 10 = 0.9.
    machine.generative_coefs_ = [np.array([[np.log(36.0)]])]
    machine.generative_intercepts_ = [np.array([np.log(0.25)]), np.array([np.log(3.0)])]

    # p(x = 0) = 0.25 * (1 - 0.2) + 0.75 * (1 - 0.9) = 0.2 + 0.075 = 0.275.
    # p(x = 1) = 0.25 * 0.2 + 0.75 * 0.9 = 0.05 + 0.675 = 0.725.
    X = np.array([[0.0], [1.0]])
    expected = np.log([0.275, 0.725])
    reference = brute_force_log_marginal(
        machine.generative_coefs_, machine.generative_intercepts_, X
    )
    scores = machine.score_samples(X)

    assert_allclose(reference, expected, rtol=0, atol=1e-12)
    assert_allclose(scores, expected, rtol=0, atol=1e-12)


def test_score_samples_two_hidden_layers():
    machine = fitted_machine(2, (1, 1))
    # Top unit h2: p(h2 = 1) = sigmoid(0) = 0.5.
    # Middle unit h1: p(h1 = 1 | h2 = 0) = sigmoid(log(1/3)) = 0.25 and
    # p(h1 = 1 | h2 = 1) = sigmoid(log 12 + log(1/3)) = sigmoid(log 4) = 0.8,
    # so p(h1 = 1) = 0.5 * 0.25 + 0.5 * 0.8 = 0.525 and p(h1 = 0) = 0.475.
    # Data units x1, x2 given h1 = 0: sigmoid(log(1/9)) = 0.1, sigmoid(0) = 0.5.
    # Data units given h1 = 1: sigmoid(log 81 + log(1/9)) = sigmoid(log 9) = 0.9
    # and sigmoid(log(1/3) + 0) = 0.25.
    machine.generative_coefs_ = [
        np.array([[np.log(81.0), np.log(1.0 / 3.0)]]),
        np.array([[np.log(12.0)]]),
    ]
    machine.generative_intercepts_ = [
        np.array([np.log(1.0 / 9.0), 0.0]),
        np.array([np.log(1.0 / 3.0)]),
        np.array([0.0]),
    ]

    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    # p(0, 0) = 0.475 * (0.9 * 0.5) + 0.525 * (0.1 * 0.75) = 0.21375 + 0.039375
    # p(0, 1) = 0.475 * (0.9 * 0.5) + 0.525 * (0.1 * 0.25) = 0.21375 + 0.013125
    # p(1, 0) = 0.475 * (0.1 * 0.5) + 0.525 * (0.9 * 0.75) = 0.02375 + 0.354375
    # p(1, 1) = 0.475 * (0.1 * 0.5) + 0.525 * (0.9 * 0.25) = 0.02375 + 0.118125
    expected = np.log([0.253125, 0.226875, 0.378125, 0.141875])
    reference = brute_force_log_marginal(
        machine.generative_coefs_, machine.generative_intercepts_, X
    )
    scores = machine.score_samples(X)

    assert_allclose(reference, expected, rtol=0, atol=1e-12)
    assert_allclose(scores, expected, rtol=0, atol=1e-12)

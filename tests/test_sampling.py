"""Ancestral sampling against the exact distribution of the data layer.

Pattern frequencies of many samples are compared to exp(score_samples) with a
chi-square goodness-of-fit test. The same counts are also compared to the
distributions of deliberately misread networks (transposed coefficients,
reversed layer order), which the test must reject, so a sampler with either
mistake would fail.
"""

import itertools
import warnings

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from scipy.special import log_expit, logsumexp
from scipy.stats import chisquare
from sklearn.exceptions import ConvergenceWarning

from sk_helmholtz import HelmholtzMachine

N_FEATURES = 4
N_SAMPLES = 200_000
SAMPLE_SEED = 2024


def all_binary_vectors(n_units):
    """Return all 2**n_units binary vectors as float rows, first unit slowest."""
    return np.array(list(itertools.product((0.0, 1.0), repeat=n_units)))


def pattern_counts(samples):
    """Count each binary row pattern, in the order of all_binary_vectors."""
    n_units = samples.shape[1]
    place_values = 2 ** np.arange(n_units - 1, -1, -1)
    codes = (samples @ place_values).astype(np.int64)
    return np.bincount(codes, minlength=2**n_units)


def log_bernoulli(h, logits):
    return np.sum(h * log_expit(logits) + (1.0 - h) * log_expit(-logits), axis=-1)


def brute_force_log_marginal(gen_coefs, gen_intercepts, X):
    """Return log p_G(x) per row by summing p_G(x, h) over every joint hidden state."""
    hidden_sizes = [len(intercept) for intercept in gen_intercepts[1:]]
    n_layers = len(hidden_sizes)
    boundaries = np.cumsum(hidden_sizes)[:-1]

    log_joint_per_state = []
    for joint_state in all_binary_vectors(sum(hidden_sizes)):
        hidden = np.split(joint_state, boundaries)
        log_prob = log_bernoulli(hidden[-1], gen_intercepts[n_layers])
        for layer in range(1, n_layers):
            logits = hidden[layer] @ gen_coefs[layer] + gen_intercepts[layer]
            log_prob += log_bernoulli(hidden[layer - 1], logits)
        data_logits = hidden[0] @ gen_coefs[0] + gen_intercepts[0]
        log_joint_per_state.append(log_prob + log_bernoulli(X, data_logits))

    return logsumexp(np.array(log_joint_per_state), axis=0)


def machine_with_random_network(hidden_layer_sizes, seed, scale=1.5):
    """Fit a machine with max_iter=1, then replace its parameters by random ones."""
    rng = np.random.default_rng(seed)
    X = rng.integers(0, 2, size=(20, N_FEATURES)).astype(np.float64)
    machine = HelmholtzMachine(
        hidden_layer_sizes=hidden_layer_sizes, max_iter=1, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        machine.fit(X)

    n_units = [N_FEATURES, *hidden_layer_sizes]
    machine.generative_coefs_ = [
        scale * rng.standard_normal((n_units[i + 1], n_units[i]))
        for i in range(len(n_units) - 1)
    ]
    machine.generative_intercepts_ = [scale * rng.standard_normal(n) for n in n_units]
    machine.recognition_coefs_ = [
        scale * rng.standard_normal((n_units[i], n_units[i + 1]))
        for i in range(len(n_units) - 1)
    ]
    machine.recognition_intercepts_ = [
        scale * rng.standard_normal(n) for n in n_units[1:]
    ]
    return machine


def chisquare_pvalue(counts, probabilities):
    """Return the chi-square goodness-of-fit p-value of counts against probabilities.

    The probabilities are rescaled to sum to exactly one because chisquare
    requires equal observed and expected totals. Whether they sum to one is
    checked separately against the brute-force reference.
    """
    expected_counts = counts.sum() * probabilities / probabilities.sum()
    assert expected_counts.min() >= 5, "chi-square needs expected counts of at least 5"
    return chisquare(counts, expected_counts).pvalue


@pytest.fixture(scope="module")
def machine_3_2():
    return machine_with_random_network((3, 2), seed=0)


@pytest.fixture(scope="module")
def machine_4_4():
    return machine_with_random_network((4, 4), seed=1)


@pytest.fixture(scope="module")
def counts_4_4(machine_4_4):
    samples = machine_4_4.sample(N_SAMPLES, random_state=SAMPLE_SEED)
    return pattern_counts(samples)


def test_sample_shape_and_values(machine_3_2):
    samples = machine_3_2.sample(500, random_state=0)

    assert samples.shape == (500, N_FEATURES)
    assert np.isin(samples, (0, 1)).all()


def test_sample_frequencies_match_model(machine_3_2):
    samples = machine_3_2.sample(N_SAMPLES, random_state=SAMPLE_SEED)
    probabilities = np.exp(machine_3_2.score_samples(all_binary_vectors(N_FEATURES)))

    pvalue = chisquare_pvalue(pattern_counts(samples), probabilities)

    assert pvalue > 1e-3


def test_sample_frequencies_square_layers(machine_4_4, counts_4_4):
    probabilities = np.exp(machine_4_4.score_samples(all_binary_vectors(N_FEATURES)))

    pvalue = chisquare_pvalue(counts_4_4, probabilities)

    assert pvalue > 1e-3


def test_chisquare_rejects_transposed_coefs(machine_4_4, counts_4_4):
    transposed_coefs = [coef.T for coef in machine_4_4.generative_coefs_]
    log_probs = brute_force_log_marginal(
        transposed_coefs,
        machine_4_4.generative_intercepts_,
        all_binary_vectors(N_FEATURES),
    )

    pvalue = chisquare_pvalue(counts_4_4, np.exp(log_probs))

    assert pvalue < 1e-6


def test_chisquare_rejects_reversed_layers(machine_4_4, counts_4_4):
    # A sampler that numbered the layers top-down instead of bottom-up would
    # use the data intercepts as the top-layer prior and the coefficients in
    # reverse order.
    reversed_coefs = machine_4_4.generative_coefs_[::-1]
    reversed_intercepts = machine_4_4.generative_intercepts_[::-1]
    log_probs = brute_force_log_marginal(
        reversed_coefs, reversed_intercepts, all_binary_vectors(N_FEATURES)
    )

    pvalue = chisquare_pvalue(counts_4_4, np.exp(log_probs))

    assert pvalue < 1e-6


def test_sample_seed_none_differs(machine_3_2):
    first = machine_3_2.sample(200, random_state=None)
    second = machine_3_2.sample(200, random_state=None)

    assert not np.array_equal(first, second)


def test_sample_seed_zero_repeats(machine_3_2):
    first = machine_3_2.sample(200, random_state=0)
    second = machine_3_2.sample(200, random_state=0)

    assert_array_equal(first, second)

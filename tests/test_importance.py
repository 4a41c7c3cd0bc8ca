"""Importance-sampled log-likelihood against the exact one, and its estimator API.

The exact values come from the layer-by-layer enumeration, which
tests/test_exact_reference.py checks against a brute-force sum.
"""

import numpy as np
import pytest
from scipy.special import log_expit, logsumexp
from sklearn.model_selection import GridSearchCV

from sk_helmholtz import HelmholtzMachine
from sk_helmholtz._exact import log_marginal
from sk_helmholtz._importance import (
    importance_log_likelihood,
    log_importance_weights,
    normalized_weights,
    resolve_likelihood,
)

N_FEATURES = 5
HIDDEN = (3, 2)


def random_model(seed, n_units=(N_FEATURES, *HIDDEN), scale=1.0):
    """Return a parameter dict with normal(0, scale) generative and recognition parameters."""
    rng = np.random.default_rng(seed)
    pairs = list(zip(n_units[:-1], n_units[1:]))
    return {
        "gen_coefs": [scale * rng.standard_normal((upper, lower)) for lower, upper in pairs],
        "gen_intercepts": [scale * rng.standard_normal(n) for n in n_units],
        "rec_coefs": [scale * rng.standard_normal((lower, upper)) for lower, upper in pairs],
        "rec_intercepts": [scale * rng.standard_normal(n) for n in n_units[1:]],
    }


def data_rows(seed, n_rows=4):
    return (np.random.default_rng(seed).random((n_rows, N_FEATURES)) < 0.5).astype(float)


def exact(model, X):
    return log_marginal(model["gen_coefs"], model["gen_intercepts"], X)


def relative_weight_variance(model, X, n_samples=200_000):
    """Return Var[w] / p(x)**2 per row, estimated from many importance weights."""
    log_weights, _ = log_importance_weights(model, X, n_samples, np.random.default_rng(99))
    log_p = exact(model, X)[:, np.newaxis]
    return np.mean(np.expm1(log_weights - log_p) ** 2, axis=1)


def test_estimate_approaches_exact_as_samples_grow():
    model, X = random_model(0, scale=0.5), data_rows(1)
    log_p = exact(model, X)
    relative_variance = relative_weight_variance(model, X)

    errors = {}
    for n_samples in (10, 100, 1000, 10_000):
        estimate = importance_log_likelihood(model, X, n_samples, np.random.default_rng(n_samples))
        # By the delta method log(mean w) has standard deviation about
        # sqrt(relative variance / K) and bias about -relative variance / (2K).
        std = np.sqrt(relative_variance / n_samples)
        bias = relative_variance / (2 * n_samples)
        errors[n_samples] = np.abs(estimate - log_p)
        assert np.all(errors[n_samples] <= 5 * std + bias), n_samples
    assert errors[10_000].max() < errors[10].max()
    assert errors[10_000].max() < 0.1


def test_estimate_is_lower_bound_on_average():
    model, X = random_model(2), data_rows(3)
    log_p = exact(model, X)
    n_repeats = 400
    rng = np.random.default_rng(4)

    gaps = {}
    for n_samples in (1, 10, 100):
        estimates = np.array([
            importance_log_likelihood(model, X, n_samples, rng) for _ in range(n_repeats)
        ])
        mean = estimates.mean(axis=0)
        standard_error = estimates.std(axis=0, ddof=1) / np.sqrt(n_repeats)
        assert np.all(mean <= log_p + 3 * standard_error), n_samples
        gaps[n_samples] = np.mean(log_p - mean)
    assert gaps[1] > gaps[10] > gaps[100] > -0.01


def test_exact_posterior_proposal_gives_exact_value():
    # With one hidden unit the posterior logit is linear in x, so the
    # recognition network can equal the posterior. Every importance weight
    # then equals p_G(x), and one sample gives the exact value.
    rng = np.random.default_rng(5)
    coef = rng.standard_normal((1, N_FEATURES))
    data_intercept = rng.standard_normal(N_FEATURES)
    prior = rng.standard_normal(1)
    # log p(h=1 | x) - log p(h=0 | x) = prior + x . w + sum_j [log sigmoid(-(c_j + w_j))
    # - log sigmoid(-c_j)], linear in x.
    data_terms = log_expit(-(data_intercept + coef[0])) - log_expit(-data_intercept)
    posterior_intercept = prior + np.sum(data_terms)
    model = {
        "gen_coefs": [coef],
        "gen_intercepts": [data_intercept, prior],
        "rec_coefs": [coef.T.copy()],
        "rec_intercepts": [posterior_intercept],
    }
    X = data_rows(6, n_rows=8)

    estimate = importance_log_likelihood(model, X, 1, rng)

    np.testing.assert_allclose(estimate, exact(model, X), rtol=1e-12, atol=1e-12)


def test_sample_blocks_match_one_block(monkeypatch):
    model, X = random_model(7), data_rows(8)
    n_samples = 50
    expected_log_weights, _ = log_importance_weights(model, X, n_samples, np.random.default_rng(0))
    expected = logsumexp(expected_log_weights, axis=1) - np.log(n_samples)

    one_block = importance_log_likelihood(model, X, n_samples, np.random.default_rng(0))
    monkeypatch.setattr("sk_helmholtz._importance.MAX_SAMPLES_PER_BLOCK", 7)
    many_blocks = importance_log_likelihood(model, X, n_samples, np.random.default_rng(0))

    np.testing.assert_allclose(one_block, expected, rtol=1e-12)
    assert np.all(np.isfinite(many_blocks))
    assert np.all(np.abs(many_blocks - expected) < 1.0)


@pytest.mark.parametrize("scale", [1.0, 1e3])
def test_normalized_weights_sum_to_one(scale):
    log_weights = scale * np.random.default_rng(9).standard_normal((6, 11))
    weights = normalized_weights(log_weights)

    assert np.all(np.isfinite(weights))
    assert np.all(weights >= 0)
    np.testing.assert_allclose(weights.sum(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_array_equal(np.argmax(weights, axis=1), np.argmax(log_weights, axis=1))


def fitted_machine(hidden_layer_sizes, **params):
    X = (np.random.default_rng(10).random((60, 8)) < 0.4).astype(float)
    return HelmholtzMachine(hidden_layer_sizes, max_iter=3, random_state=0, **params).fit(X), X


def test_importance_score_is_deterministic_for_int_seed():
    model, X = fitted_machine((4,), likelihood="importance", n_importance_samples=20)
    first = model.score_samples(X)

    np.testing.assert_array_equal(model.score_samples(X), first)
    other_seed = model.set_params(random_state=1).score_samples(X)
    assert not np.array_equal(other_seed, first)


def test_importance_score_close_to_exact_on_small_net():
    model, X = fitted_machine((4, 2), n_importance_samples=2000)
    exact_scores = model.set_params(likelihood="exact").score_samples(X)
    estimates = model.set_params(likelihood="importance").score_samples(X)

    assert np.all(np.abs(estimates - exact_scores) < 0.05)
    assert model.score(X) == pytest.approx(np.mean(estimates))


def test_auto_picks_exact_for_narrow_layers():
    model, X = fitted_machine((4, 2))
    auto_scores = model.score_samples(X)

    np.testing.assert_array_equal(auto_scores, model.set_params(likelihood="exact").score_samples(X))


def test_auto_picks_importance_for_wide_layers():
    model, X = fitted_machine((30,), n_importance_samples=50)
    auto_scores = model.score_samples(X)

    importance_scores = model.set_params(likelihood="importance").score_samples(X)
    np.testing.assert_array_equal(auto_scores, importance_scores)
    with pytest.raises(ValueError, match="at most 20 units"):
        model.set_params(likelihood="exact").score_samples(X)


@pytest.mark.parametrize(
    "n_units, expected",
    [
        ((784, 12), "exact"),
        ((784, 21), "importance"),
        ((10_000, 20), "importance"),
        ((9, 6, 1), "exact"),
        ((9, 16, 16), "importance"),
    ],
)
def test_resolve_auto(n_units, expected):
    assert resolve_likelihood("auto", list(n_units)) == expected


def test_invalid_likelihood_after_fit_raises():
    model, X = fitted_machine((3,))
    with pytest.raises(ValueError, match="likelihood must be one of"):
        model.set_params(likelihood="sampled").score(X)
    with pytest.raises(ValueError, match="n_importance_samples must be a positive integer"):
        model.set_params(likelihood="importance", n_importance_samples=0).score(X)


def test_grid_search_on_wide_layers():
    X = (np.random.default_rng(11).random((90, 10)) < 0.3).astype(float)
    search = GridSearchCV(
        HelmholtzMachine(max_iter=2, n_importance_samples=20, random_state=0),
        {"hidden_layer_sizes": [(25,), (30,)]},
        cv=3,
    ).fit(X)

    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))

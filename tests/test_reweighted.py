"""Reweighted wake-sleep: its gradients against exact ones, and its training.

The exact gradients sum over every joint hidden state of a small network:
the generative gradient of log p_G(x) is the posterior mean of the gradient
of log p_G(x, h), and the recognition target is the posterior mean of the
gradient of log p_R(h | x).
"""

import itertools

import numpy as np
import pytest

from sk_helmholtz import HelmholtzMachine
from sk_helmholtz._importance import importance_log_likelihood
from sk_helmholtz._network import (
    log_conditional_recognition,
    log_joint_generative,
    sleep_gradients,
    wake_gradients,
)
from sk_helmholtz._optimizers import StochasticGradient
from sk_helmholtz._reweighted import reweighted_step, reweighted_wake_gradients
from sk_helmholtz.bars import bars_world, kl_divergence

N_UNITS = (4, 3, 2)


def random_model(seed, scale=0.7):
    rng = np.random.default_rng(seed)
    pairs = list(zip(N_UNITS[:-1], N_UNITS[1:]))
    return {
        "gen_coefs": [scale * rng.standard_normal((upper, lower)) for lower, upper in pairs],
        "gen_intercepts": [scale * rng.standard_normal(n) for n in N_UNITS],
        "rec_coefs": [scale * rng.standard_normal((lower, upper)) for lower, upper in pairs],
        "rec_intercepts": [scale * rng.standard_normal(n) for n in N_UNITS[1:]],
    }


def joint_states(x):
    """Return the layers of every joint hidden state, each paired with data row x."""
    states = np.array(list(itertools.product((0.0, 1.0), repeat=sum(N_UNITS[1:]))))
    hidden = np.split(states, np.cumsum(N_UNITS[1:])[:-1], axis=1)
    return [np.tile(x, (len(states), 1)), *hidden]


def exact_targets(model, X):
    """Return the exact row-mean gradients and the posterior-to-proposal chi-square."""
    gen_total, rec_total, chi_squares = None, None, []
    for x in X:
        layers = joint_states(x)
        log_joint = log_joint_generative(model["gen_coefs"], model["gen_intercepts"], layers)
        posterior = np.exp(log_joint - np.logaddexp.reduce(log_joint))
        log_proposal = log_conditional_recognition(
            model["rec_coefs"], model["rec_intercepts"], layers
        )
        chi_squares.append(np.sum(posterior**2 / np.exp(log_proposal)))
        gen = [np.zeros_like(p) for p in model["gen_coefs"] + model["gen_intercepts"]]
        rec = [np.zeros_like(p) for p in model["rec_coefs"] + model["rec_intercepts"]]
        for index, weight in enumerate(posterior):
            state = [layer[index : index + 1] for layer in layers]
            coef_grads, intercept_grads = wake_gradients(
                model["gen_coefs"], model["gen_intercepts"], state
            )
            gen = [g + weight * d for g, d in zip(gen, coef_grads + intercept_grads)]
            coef_grads, intercept_grads = sleep_gradients(
                model["rec_coefs"], model["rec_intercepts"], state
            )
            rec = [g + weight * d for g, d in zip(rec, coef_grads + intercept_grads)]
        gen_total = gen if gen_total is None else [a + b for a, b in zip(gen_total, gen)]
        rec_total = rec if rec_total is None else [a + b for a, b in zip(rec_total, rec)]
    n_rows = len(X)
    return [g / n_rows for g in gen_total], [g / n_rows for g in rec_total], max(chi_squares)


def flatten(gradients):
    coef_grads, intercept_grads = gradients
    return list(coef_grads) + list(intercept_grads)


def test_gradients_converge_to_exact():
    model = random_model(0)
    X = np.array([[1.0, 0, 1, 1], [0, 0, 1, 0], [1, 1, 1, 1]])
    gen_exact, rec_exact, chi_square = exact_targets(model, X)

    errors = []
    for n_samples in (10, 100_000):
        gen, rec, _ = reweighted_wake_gradients(model, X, n_samples, np.random.default_rng(1))
        got = flatten(gen) + flatten(rec)
        want = gen_exact + rec_exact
        errors.append(max(np.abs(g - w).max() for g, w in zip(got, want)))

    # Each per-state gradient entry lies in [-1, 1], so the self-normalised
    # estimate has a standard deviation of at most about
    # 2 * sqrt(chi_square / K), with chi_square = E_q[(posterior / q)**2].
    tolerance = 5 * 2 * np.sqrt(chi_square / 100_000)
    assert errors[1] < tolerance
    assert errors[1] < errors[0] / 5


def test_log_likelihood_matches_importance_estimate():
    model = random_model(2)
    X = np.array([[1.0, 0, 1, 1], [0, 0, 1, 0]])
    _, _, log_likelihood = reweighted_wake_gradients(model, X, 7, np.random.default_rng(3))
    estimate = importance_log_likelihood(model, X, 7, np.random.default_rng(3))

    assert log_likelihood == pytest.approx(estimate.sum(), rel=1e-12)


@pytest.mark.parametrize("sleep", [False, True])
def test_step_applies_rates_to_gradients(sleep):
    model = random_model(4)
    X = np.array([[1.0, 0, 1, 1], [0, 1, 1, 0]])
    rates = (0.1, 0.05)
    before = {name: [p.copy() for p in params] for name, params in model.items()}
    gen, rec, _ = reweighted_wake_gradients(model, X, 5, np.random.default_rng(5))

    reweighted_step(model, X, rates, np.random.default_rng(5), StochasticGradient(), 5, sleep)

    expected_gen = [
        p + rates[min(i, 1)] * g
        for i, (p, g) in enumerate(zip(before["gen_intercepts"], gen[1]))
    ]
    for got, want in zip(model["gen_intercepts"], expected_gen):
        np.testing.assert_allclose(got, want, rtol=1e-12)
    expected_rec = [p + rates[i] * g for i, (p, g) in enumerate(zip(before["rec_coefs"], rec[0]))]
    for got, want in zip(model["rec_coefs"], expected_rec):
        if sleep:
            assert not np.allclose(got, want)
        else:
            np.testing.assert_allclose(got, want, rtol=1e-12)


def bars_sample(n_rows, seed):
    patterns, probabilities = bars_world()
    rng = np.random.default_rng(seed)
    return patterns[rng.choice(len(patterns), size=n_rows, p=probabilities)]


def test_reweighted_learns_bars():
    patterns, probabilities = bars_world()
    model = HelmholtzMachine(
        (6, 1),
        algorithm="reweighted",
        solver="adam",
        learning_rate=0.02,
        batch_size=20,
        max_iter=15,
        binarize=None,
        random_state=0,
    ).fit(bars_sample(2000, 0))

    assert kl_divergence(model, patterns, probabilities) < 0.5
    assert len(model.loss_curve_) == 15
    assert model.loss_curve_[-1] < model.loss_curve_[0]


def test_reweighted_loss_bounds_log_likelihood():
    X = bars_sample(1000, 1)
    model = HelmholtzMachine(
        (6, 1), algorithm="reweighted", n_wake_samples=3, learning_rate=0.1,
        binarize=None, max_iter=5, random_state=1,
    ).fit(X)
    # The recorded loss is the negative of a K-sample estimate whose
    # expectation bounds log p_G(x) from below, taken while the parameters
    # still move, so the bound holds up to a small tolerance.
    assert model.loss_curve_[-1] > -model.score(X) - 0.05


def test_reweighted_without_sleep_phase_trains():
    X = bars_sample(500, 2)
    awake = HelmholtzMachine(
        (6, 1), algorithm="reweighted", sleep_phase=False, binarize=None,
        max_iter=2, random_state=2,
    ).fit(X)
    with_sleep = HelmholtzMachine(
        (6, 1), algorithm="reweighted", binarize=None, max_iter=2, random_state=2,
    ).fit(X)

    assert np.isfinite(awake.score(X))
    assert not np.array_equal(awake.recognition_coefs_[0], with_sleep.recognition_coefs_[0])

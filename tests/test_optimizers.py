"""Update rules, learning-rate decay, optimiser state and restarts (n_init)."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from sk_helmholtz import HelmholtzMachine, _monitor
from sk_helmholtz._estimator import PARAMETERS
from sk_helmholtz._optimizers import Adam, StochasticGradient, make_optimizer
from sk_helmholtz._wake_sleep import optimized_wake_sleep_step, wake_sleep_step
from sk_helmholtz.bars import bars_world

X = (np.random.default_rng(0).random((40, 6)) > 0.5).astype(np.float64)


def test_sgd_step():
    param = np.array([1.0, -2.0])
    StochasticGradient().update("key", param, np.array([0.5, 4.0]), 0.1)
    np.testing.assert_allclose(param, [1.05, -1.6])


def test_adam_two_steps_by_hand():
    beta_1, beta_2, epsilon, rate = 0.8, 0.9, 1e-3, 0.5
    adam = Adam(beta_1, beta_2, epsilon)
    param = np.array([0.0, 1.0])
    gradients = [np.array([2.0, -1.0]), np.array([-1.0, 3.0])]

    expected = param.copy()
    m = np.zeros(2)
    v = np.zeros(2)
    for t, gradient in enumerate(gradients, start=1):
        m = beta_1 * m + (1 - beta_1) * gradient
        v = beta_2 * v + (1 - beta_2) * gradient**2
        expected = expected + rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t) * m / (
            np.sqrt(v) + epsilon
        )
        adam.update("key", param, gradient.copy(), rate)
        np.testing.assert_allclose(param, expected, rtol=1e-14)
    assert adam.n_steps["key"] == 2

    # With a negligible epsilon the first step is rate * sign(gradient).
    first = Adam(epsilon=1e-12)
    start = np.zeros(2)
    first.update("key", start, np.array([3.0, -0.01]), 0.1)
    np.testing.assert_allclose(start, [0.1, -0.1], rtol=1e-8)


def test_make_optimizer_rejects_unknown_solver():
    with pytest.raises(ValueError, match="solver must be 'sgd' or 'adam'"):
        make_optimizer("lbfgs")


def model_dict(seed):
    rng = np.random.default_rng(seed)
    n_units = (6, 4, 2)
    pairs = list(zip(n_units[:-1], n_units[1:]))
    return {
        "gen_coefs": [rng.standard_normal((upper, lower)) for lower, upper in pairs],
        "gen_intercepts": [rng.standard_normal(n) for n in n_units],
        "rec_coefs": [rng.standard_normal((lower, upper)) for lower, upper in pairs],
        "rec_intercepts": [rng.standard_normal(n) for n in n_units[1:]],
    }


def test_optimized_step_with_sgd_matches_in_place_step():
    in_place, optimized = model_dict(1), model_dict(1)
    rates = (0.2, 0.05)
    free_energy = wake_sleep_step(in_place, X[:10], rates, np.random.default_rng(2))
    other = optimized_wake_sleep_step(
        optimized, X[:10], rates, np.random.default_rng(2), StochasticGradient()
    )

    assert other == pytest.approx(free_energy, rel=1e-12)
    for name in in_place:
        for got, want in zip(optimized[name], in_place[name]):
            np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14, err_msg=name)


def assert_same_parameters(first, second):
    for name in PARAMETERS:
        for got, want in zip(getattr(first, name), getattr(second, name)):
            np.testing.assert_array_equal(got, want, err_msg=name)


@pytest.mark.parametrize("algorithm", ["wake-sleep", "reweighted"])
def test_adam_state_persists_across_partial_fit(algorithm):
    params = dict(
        hidden_layer_sizes=(4,), algorithm=algorithm, solver="adam", learning_rate=0.01,
        shuffle=False, random_state=0,
    )
    fitted = HelmholtzMachine(max_iter=2, **params).fit(X)
    stepwise = HelmholtzMachine(**params).partial_fit(X).partial_fit(X)

    assert_same_parameters(stepwise, fitted)
    n_batches = 2 * len(X) // 10
    assert stepwise._optimizer.n_steps[("generative", "coef", 0)] == n_batches


def test_adam_state_persists_across_warm_start():
    params = dict(hidden_layer_sizes=(4,), solver="adam", learning_rate=0.01, random_state=0)
    fitted = HelmholtzMachine(max_iter=2, **params).fit(X)
    warm = HelmholtzMachine(max_iter=1, warm_start=True, **params).fit(X).fit(X)

    assert_same_parameters(warm, fitted)


def test_changed_solver_restarts_optimizer():
    model = HelmholtzMachine((4,), solver="adam", learning_rate=0.01, random_state=0)
    model.partial_fit(X)
    assert isinstance(model._optimizer, Adam)

    model.set_params(beta_1=0.5).partial_fit(X)
    assert model._optimizer.beta_1 == 0.5
    assert model._optimizer.n_steps[("generative", "coef", 0)] == len(X) // 10

    model.set_params(solver="sgd").partial_fit(X)
    assert isinstance(model._optimizer, StochasticGradient)


def test_diverged_epoch_restores_optimizer_state():
    model = HelmholtzMachine((4,), solver="adam", learning_rate=0.01, random_state=0)
    model.partial_fit(X)
    steps_before = dict(model._optimizer.n_steps)

    model.set_params(learning_rate=1e308)
    with pytest.raises(FloatingPointError):
        model.partial_fit(X)
    assert model._optimizer.n_steps == steps_before


def test_learning_rate_decay_scales_epoch_rates():
    params = dict(hidden_layer_sizes=(4,), shuffle=False, random_state=0)
    decayed = HelmholtzMachine(learning_rate=0.2, learning_rate_decay=3.0, **params)
    decayed.partial_fit(X).partial_fit(X)
    # The second epoch (n_iter_ = 1) runs at 0.2 / (1 + 3 * 1) = 0.05.
    manual = HelmholtzMachine(learning_rate=0.2, **params).partial_fit(X)
    manual.set_params(learning_rate=0.05).partial_fit(X)

    assert_same_parameters(decayed, manual)


def test_n_init_keeps_best_training_likelihood(monkeypatch):
    patterns, probabilities = bars_world()
    data = patterns[np.random.default_rng(1).choice(12, size=300, p=probabilities)]
    # Record each restart's training score and parameters as fit scores it.
    restarts = []
    score_rows = HelmholtzMachine._log_likelihood

    def recording_log_likelihood(model, *args, **kwargs):
        scores = score_rows(model, *args, **kwargs)
        parameters = [p.copy() for p in model.generative_coefs_]
        restarts.append((float(np.mean(scores)), parameters))
        return scores

    monkeypatch.setattr(HelmholtzMachine, "_log_likelihood", recording_log_likelihood)
    best = HelmholtzMachine(
        (3,), binarize=None, max_iter=3, n_init=4, random_state=0
    ).fit(data)
    monkeypatch.undo()

    scores = [score for score, _ in restarts]
    assert len(set(scores)) == 4
    best_score, best_parameters = restarts[int(np.argmax(scores))]
    assert best.score(data) == pytest.approx(best_score, rel=1e-12)
    for got, want in zip(best.generative_coefs_, best_parameters):
        np.testing.assert_array_equal(got, want)
    assert best.n_iter_ == 3


def test_n_init_selects_by_held_out_score(monkeypatch):
    patterns, probabilities = bars_world()
    data = patterns[np.random.default_rng(2).choice(12, size=300, p=probabilities)]
    # Record each restart's held-out rows, best held-out score and parameters.
    restarts, held_out_rows = [], []
    finish = _monitor.EpochMonitor.finish
    score_rows = HelmholtzMachine._mean_log_likelihood

    def recording_finish(monitor, stopped, warn=True):
        finish(monitor, stopped, warn)
        model = monitor.estimator
        parameters = [p.copy() for p in model.generative_coefs_]
        restarts.append((model.best_validation_score_, parameters))

    def recording_score(model, rows):
        if not held_out_rows or held_out_rows[-1] is not rows:
            held_out_rows.append(rows)
        return score_rows(model, rows)

    monkeypatch.setattr(_monitor.EpochMonitor, "finish", recording_finish)
    monkeypatch.setattr(HelmholtzMachine, "_mean_log_likelihood", recording_score)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        best = HelmholtzMachine(
            (3,), binarize=None, max_iter=4, n_init=3, early_stopping=True,
            validation_fraction=0.2, random_state=None,
        ).fit(data)
    monkeypatch.undo()

    scores = [score for score, _ in restarts]
    assert len(restarts) == 3
    assert len(set(scores)) == 3
    assert all(rows is held_out_rows[0] for rows in held_out_rows)
    assert len(held_out_rows[0]) == 60
    best_score, best_parameters = restarts[int(np.argmax(scores))]
    assert best.best_validation_score_ == best_score
    for got, want in zip(best.generative_coefs_, best_parameters):
        np.testing.assert_array_equal(got, want)


def test_n_init_never_worse_than_one_init():
    single = HelmholtzMachine((3,), max_iter=2, random_state=0).fit(X)
    restarted = HelmholtzMachine((3,), max_iter=2, n_init=3, random_state=0).fit(X)

    assert restarted.score(X) >= single.score(X)


def test_n_init_ignored_by_warm_start():
    model = HelmholtzMachine((3,), max_iter=2, warm_start=True, random_state=0).fit(X)
    model.set_params(n_init=4).fit(X)

    assert model.n_iter_ == 4
    assert len(model.loss_curve_) == 4


def test_n_init_accepts_sparse_input():
    sparse = pytest.importorskip("scipy.sparse")
    dense_fit = HelmholtzMachine((3,), max_iter=2, n_init=2, random_state=0).fit(X)
    sparse_fit = HelmholtzMachine((3,), max_iter=2, n_init=2, random_state=0).fit(
        sparse.csr_matrix(X)
    )

    assert_same_parameters(sparse_fit, dense_fit)

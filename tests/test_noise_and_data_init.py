"""Annealed input noise and the data-based initialisation."""

import copy

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.utils._param_validation import InvalidParameterError

from sk_helmholtz import HelmholtzMachine
from sk_helmholtz._estimator import PARAMETERS
from sk_helmholtz._monitor import split_validation
from sk_helmholtz._noise import flip_values, noise_level
from sk_helmholtz._online import compiled_available, run_online_epoch

X = (np.random.default_rng(0).random((200, 6)) < 0.3).astype(np.float64)
PARAMS = {"hidden_layer_sizes": (4, 2), "max_iter": 4, "random_state": 0}


def parameters_equal(first, second):
    return all(
        np.array_equal(a, b)
        for name in PARAMETERS
        for a, b in zip(getattr(first, name), getattr(second, name))
    )


@pytest.mark.parametrize(
    "progress, expected",
    [(0.0, 0.2), (0.375, 0.1), (0.6, 0.04), (0.75, 0.0), (1.0, 0.0), (3.0, 0.0)],
)
def test_noise_level_schedule(progress, expected):
    assert noise_level(0.2, progress) == pytest.approx(expected, abs=1e-15)


def test_flip_frequency_matches_probability():
    rows = (np.random.default_rng(1).random((400, 50)) < 0.5).astype(np.float64)
    probability = 0.15

    flipped = flip_values(rows, probability, np.random.default_rng(2))

    n_flips = np.count_nonzero(flipped != rows)
    n_values = rows.size
    # Allow five binomial standard deviations, so a wrong rate fails and chance does not.
    spread = 5 * np.sqrt(n_values * probability * (1 - probability))
    assert abs(n_flips - n_values * probability) < spread
    assert set(np.unique(flipped)) <= {0.0, 1.0}


def test_flip_turns_fractions_into_complements():
    rows = np.array([[0.25, 0.75, 1.0]], dtype=np.float32)

    flipped = flip_values(rows, 1.0 - 1e-12, np.random.default_rng(0))

    np.testing.assert_array_equal(flipped, [[0.75, 0.25, 0.0]])
    assert flipped.dtype == np.float32


def test_zero_probability_draws_nothing():
    rng = np.random.default_rng(3)
    state = copy.deepcopy(rng.bit_generator.state)

    result = flip_values(X, 0.0, rng)

    assert result is X
    assert rng.bit_generator.state == state


@pytest.mark.parametrize("batch_size", [1, 10])
def test_noise_changes_the_fit_reproducibly(batch_size):
    params = {**PARAMS, "batch_size": batch_size}
    clean = HelmholtzMachine(**params).fit(X)
    noisy = HelmholtzMachine(input_noise=0.2, **params).fit(X)
    noisy_again = HelmholtzMachine(input_noise=0.2, **params).fit(X)

    assert not parameters_equal(noisy, clean)
    assert parameters_equal(noisy, noisy_again)


@pytest.mark.parametrize("batch_size", [1, 10])
@pytest.mark.parametrize("epochs_done, noisy", [(0, True), (2, True), (3, False), (4, False)])
def test_noise_only_in_first_three_quarters(batch_size, epochs_done, noisy):
    # With max_iter=4, epochs 0 to 2 see noise and epoch 3 onwards does not.
    model = HelmholtzMachine(input_noise=0.3, batch_size=batch_size, **PARAMS)
    if epochs_done:
        model.set_params(max_iter=epochs_done).fit(X).set_params(max_iter=4)
    without_noise = copy.deepcopy(model).set_params(input_noise=0.0)

    model.partial_fit(X)
    without_noise.partial_fit(X)

    assert parameters_equal(model, without_noise) is not noisy


@pytest.mark.skipif(not compiled_available(), reason="numba is not installed")
def test_compiled_and_numpy_paths_draw_same_noise():
    def fresh_model():
        rng = np.random.default_rng(5)
        return {
            "gen_coefs": [rng.normal(0, 1, (3, 6)), rng.normal(0, 1, (2, 3))],
            "gen_intercepts": [rng.normal(0, 1, n) for n in (6, 3, 2)],
            "rec_coefs": [rng.normal(0, 1, (6, 3)), rng.normal(0, 1, (3, 2))],
            "rec_intercepts": [rng.normal(0, 1, n) for n in (3, 2)],
        }

    def add_noise(rows, first_row, n_rows, rng):
        return flip_values(rows, noise_level(0.3, first_row / n_rows), rng)

    models, energies = [], []
    for compiled in (True, False):
        model = fresh_model()
        rng = np.random.default_rng(6)
        energies.append(run_online_epoch(
            model, X, (0.1, 0.1), rng, compiled=compiled,
            add_noise=lambda rows, first, n: add_noise(rows, first, n, rng),
        ))
        models.append(model)

    assert energies[0] == pytest.approx(energies[1], rel=1e-10)
    for name in models[0]:
        for got, want in zip(models[0][name], models[1][name]):
            np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("value", [-0.1, 0.5, 0.9])
def test_noise_outside_range_rejected(value):
    with pytest.raises(InvalidParameterError, match="input_noise"):
        HelmholtzMachine(input_noise=value).fit(X)


@pytest.mark.parametrize("to_input", [np.asarray, sp.csr_matrix])
def test_data_init_sets_smoothed_log_odds(to_input):
    data = X.copy()
    data[:, 0] = 0.0
    data[:, 1] = 1.0
    # A tiny rate leaves the intercepts at their initial values to 1e-9.
    model = HelmholtzMachine(init="data", learning_rate=1e-12, **PARAMS).fit(to_input(data))

    counts = data.sum(axis=0)
    means = (counts + 1) / (data.shape[0] + 2)
    expected = np.log(means / (1 - means))
    np.testing.assert_allclose(model.generative_intercepts_[0], expected, atol=1e-9)
    assert np.isfinite(model.generative_intercepts_[0]).all()
    for coefs in model.generative_coefs_:
        np.testing.assert_allclose(coefs, 0.0, atol=1e-9)


def test_data_init_starts_at_the_marginals():
    model = HelmholtzMachine(init="data", learning_rate=1e-12, **PARAMS).fit(X)
    means = (X.sum(axis=0) + 1) / (X.shape[0] + 2)
    # With zero weights the machine is independent units with these means.
    expected = (X * np.log(means) + (1 - X) * np.log(1 - means)).sum(axis=1)

    np.testing.assert_allclose(model.score_samples(X), expected, atol=1e-8)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_data_init_ignores_held_out_rows():
    model = HelmholtzMachine(
        init="data", learning_rate=1e-12, early_stopping=True, validation_fraction=0.25,
        **PARAMS,
    ).fit(X)
    X_train, X_val = split_validation(X, 0.25, PARAMS["random_state"])
    means = (X_train.sum(axis=0) + 1) / (X_train.shape[0] + 2)
    means_all = (X.sum(axis=0) + 1) / (X.shape[0] + 2)

    expected = np.log(means / (1 - means))
    np.testing.assert_allclose(model.generative_intercepts_[0], expected, atol=1e-9)
    assert X_train.shape[0] == 150
    assert not np.allclose(means, means_all, atol=1e-6)

"""Training follows the wake-sleep algorithm step for step.

The reference below is a plain per-row transcription of the algorithm for
a machine with two hidden layers (top layer x, middle layer y, data d),
written with scipy's sigmoid and explicit outer products. It draws its
uniform numbers from the same generator in the same order as the
estimator: per update, the wake phase draws y then x, and the sleep phase
draws x, then y, then d.
"""

import numpy as np
import pytest
from scipy.special import expit

from sk_helmholtz import HelmholtzMachine
from sk_helmholtz.bars import bars_world


def bernoulli(prob, uniform):
    return (uniform < prob).astype(float)


def reference_wake_sleep(data, n_y, n_x, rate_bottom, rate_top, batch_size, seed):
    """Train from zero weights; return (V_G, c_G, W_G, b_y, b_x, V_R, c_R, W_R, c_x)."""
    rng = np.random.default_rng(seed)
    n_d = data.shape[1]
    V_G, c_G = np.zeros((n_y, n_d)), np.zeros(n_d)  # y -> d
    W_G, b_y = np.zeros((n_x, n_y)), np.zeros(n_y)  # x -> y
    b_x = np.zeros(n_x)  # prior on x
    V_R, c_R = np.zeros((n_d, n_y)), np.zeros(n_y)  # d -> y
    W_R, c_x = np.zeros((n_y, n_x)), np.zeros(n_x)  # y -> x

    for start in range(0, len(data), batch_size):
        batch = data[start : start + batch_size]
        n = len(batch)
        u_y, u_x = rng.random((n, n_y)), rng.random((n, n_x))
        wake = []
        for row in range(n):
            d = batch[row]
            y = bernoulli(expit(d @ V_R + c_R), u_y[row])
            x = bernoulli(expit(y @ W_R + c_x), u_x[row])
            wake.append((d, y, x))
        steps = {name: 0.0 for name in ["V_G", "c_G", "W_G", "b_y", "b_x"]}
        for d, y, x in wake:
            delta = d - expit(y @ V_G + c_G)
            psi_error = y - expit(x @ W_G + b_y)
            steps["V_G"] = steps["V_G"] + np.outer(y, delta)
            steps["c_G"] = steps["c_G"] + delta
            steps["W_G"] = steps["W_G"] + np.outer(x, psi_error)
            steps["b_y"] = steps["b_y"] + psi_error
            steps["b_x"] = steps["b_x"] + (x - expit(b_x))
        V_G += rate_bottom * steps["V_G"] / n
        c_G += rate_bottom * steps["c_G"] / n
        W_G += rate_top * steps["W_G"] / n
        b_y += rate_top * steps["b_y"] / n
        b_x += rate_top * steps["b_x"] / n

        u_x, u_y, u_d = rng.random((n, n_x)), rng.random((n, n_y)), rng.random((n, n_d))
        steps = {name: 0.0 for name in ["V_R", "c_R", "W_R", "c_x"]}
        for row in range(n):
            x = bernoulli(expit(b_x), u_x[row])
            y = bernoulli(expit(x @ W_G + b_y), u_y[row])
            d = bernoulli(expit(y @ V_G + c_G), u_d[row])
            y_error = y - expit(d @ V_R + c_R)
            x_error = x - expit(y @ W_R + c_x)
            steps["V_R"] = steps["V_R"] + np.outer(d, y_error)
            steps["c_R"] = steps["c_R"] + y_error
            steps["W_R"] = steps["W_R"] + np.outer(y, x_error)
            steps["c_x"] = steps["c_x"] + x_error
        V_R += rate_bottom * steps["V_R"] / n
        c_R += rate_bottom * steps["c_R"] / n
        W_R += rate_top * steps["W_R"] / n
        c_x += rate_top * steps["c_x"] / n
    return V_G, c_G, W_G, b_y, b_x, V_R, c_R, W_R, c_x


@pytest.mark.parametrize("batch_size", [1, 4])
def test_training_matches_reference(batch_size):
    patterns, probabilities = bars_world()
    rng = np.random.default_rng(7)
    data = patterns[rng.choice(len(patterns), size=400, p=probabilities)]
    model = HelmholtzMachine(
        hidden_layer_sizes=(6, 1),
        learning_rate=(0.15, 0.01),
        batch_size=batch_size,
        init="zeros",
        binarize=None,
        shuffle=False,
        max_iter=1,
        random_state=3,
    ).fit(data)

    expected = reference_wake_sleep(data, 6, 1, 0.15, 0.01, batch_size, seed=3)
    got = (
        model.generative_coefs_[0],
        model.generative_intercepts_[0],
        model.generative_coefs_[1],
        model.generative_intercepts_[1],
        model.generative_intercepts_[2],
        model.recognition_coefs_[0],
        model.recognition_intercepts_[0],
        model.recognition_coefs_[1],
        model.recognition_intercepts_[1],
    )
    for name, want, have in zip(
        ["V_G", "c_G", "W_G", "b_y", "b_x", "V_R", "c_R", "W_R", "c_x"], expected, got
    ):
        np.testing.assert_allclose(have, want, atol=1e-10, err_msg=name)


def test_training_moves_every_parameter():
    patterns, probabilities = bars_world()
    data = np.repeat(patterns, 20, axis=0)
    model = HelmholtzMachine(
        (6, 1), learning_rate=(0.15, 0.01), batch_size=1, init="zeros",
        binarize=None, max_iter=1, random_state=0,
    ).fit(data)
    for name in ["generative_coefs_", "generative_intercepts_",
                 "recognition_coefs_", "recognition_intercepts_"]:
        for index, param in enumerate(getattr(model, name)):
            assert np.abs(param).max() > 0, f"{name}[{index}] never moved"


def test_loss_curve_decreases_on_bars():
    patterns, probabilities = bars_world()
    rng = np.random.default_rng(0)
    data = patterns[rng.choice(len(patterns), size=3000, p=probabilities)]
    model = HelmholtzMachine(
        (6, 1), learning_rate=(0.15, 0.01), batch_size=1, init="zeros",
        binarize=None, max_iter=4, random_state=0,
    ).fit(data)
    assert len(model.loss_curve_) == 4
    assert model.n_iter_ == 4
    assert model.loss_curve_[-1] < model.loss_curve_[0]


def test_loss_curve_bounds_log_likelihood():
    patterns, probabilities = bars_world()
    rng = np.random.default_rng(1)
    data = patterns[rng.choice(len(patterns), size=2000, p=probabilities)]
    model = HelmholtzMachine(
        (6, 1), learning_rate=(0.15, 0.01), batch_size=1, init="zeros",
        binarize=None, max_iter=3, random_state=1,
    ).fit(data)
    # The free energy is an upper bound on -log p_G(x). The recorded value is
    # a one-sample estimate taken while the parameters still move, so the
    # bound holds up to a small tolerance.
    negative_log_likelihood = -model.score(data)
    assert model.loss_curve_[-1] > negative_log_likelihood - 0.05

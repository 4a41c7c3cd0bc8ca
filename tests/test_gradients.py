"""Wake and sleep gradients against central finite differences.

The objectives are written here from the model definition: the row mean of
log p_G(h_0, ..., h_L) for the wake phase and the row mean of
log p_R(h_1, ..., h_L | h_0) for the sleep phase.
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.special import log_expit

from sk_helmholtz._network import sleep_gradients, wake_gradients

LAYER_SIZES = [[4, 3], [5, 3, 2], [4, 2, 3, 2]]
STEP = 1e-6
TOLERANCE = 1e-7


def log_bernoulli_rows(h, logits):
    """Return log Bernoulli(h; sigmoid(logits)) summed over units, one value per row."""
    return np.sum(h * log_expit(logits) + (1.0 - h) * log_expit(-logits), axis=1)


def mean_log_generative_joint(gen_coefs, gen_intercepts, layers):
    """Return the row mean of log p_G(h_0, ..., h_L)."""
    top = len(layers) - 1
    n_rows = layers[0].shape[0]
    top_logits = np.broadcast_to(gen_intercepts[top], (n_rows, len(gen_intercepts[top])))
    log_prob = log_bernoulli_rows(layers[top], top_logits)
    for i in range(top):
        logits = layers[i + 1] @ gen_coefs[i] + gen_intercepts[i]
        log_prob = log_prob + log_bernoulli_rows(layers[i], logits)
    return log_prob.mean()


def mean_log_recognition(rec_coefs, rec_intercepts, layers):
    """Return the row mean of log p_R(h_1, ..., h_L | h_0)."""
    log_prob = np.zeros(layers[0].shape[0])
    for i in range(len(layers) - 1):
        logits = layers[i] @ rec_coefs[i] + rec_intercepts[i]
        log_prob = log_prob + log_bernoulli_rows(layers[i + 1], logits)
    return log_prob.mean()


def central_differences(objective, coefs, intercepts):
    """Estimate d objective / d parameter for every entry of coefs and intercepts.

    Each entry is moved by +STEP and -STEP in place and then restored, so
    the arrays are unchanged on return.
    """
    gradients = []
    for arrays in (coefs, intercepts):
        array_gradients = []
        for array in arrays:
            gradient = np.zeros_like(array)
            for index in np.ndindex(array.shape):
                original = array[index]
                array[index] = original + STEP
                upper = objective(coefs, intercepts)
                array[index] = original - STEP
                lower = objective(coefs, intercepts)
                array[index] = original
                gradient[index] = (upper - lower) / (2.0 * STEP)
            array_gradients.append(gradient)
        gradients.append(array_gradients)
    return gradients[0], gradients[1]


def random_layers(rng, n_units, n_rows=7):
    return [rng.integers(0, 2, size=(n_rows, n)).astype(np.float64) for n in n_units]


def random_generative_network(rng, n_units, scale=2.0):
    gen_coefs = [
        scale * rng.standard_normal((n_units[i + 1], n_units[i]))
        for i in range(len(n_units) - 1)
    ]
    gen_intercepts = [scale * rng.standard_normal(n) for n in n_units]
    return gen_coefs, gen_intercepts


def random_recognition_network(rng, n_units, scale=2.0):
    rec_coefs = [
        scale * rng.standard_normal((n_units[i], n_units[i + 1]))
        for i in range(len(n_units) - 1)
    ]
    rec_intercepts = [scale * rng.standard_normal(n) for n in n_units[1:]]
    return rec_coefs, rec_intercepts


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("n_units", LAYER_SIZES)
def test_wake_gradients_match_differences(n_units, seed):
    rng = np.random.default_rng(seed)
    gen_coefs, gen_intercepts = random_generative_network(rng, n_units)
    layers = random_layers(rng, n_units)

    def objective(coefs, intercepts):
        return mean_log_generative_joint(coefs, intercepts, layers)

    expected_coefs, expected_intercepts = central_differences(
        objective, gen_coefs, gen_intercepts
    )
    coef_grads, intercept_grads = wake_gradients(gen_coefs, gen_intercepts, layers)

    assert len(coef_grads) == len(n_units) - 1
    assert len(intercept_grads) == len(n_units)
    for grad, expected in zip(coef_grads, expected_coefs):
        assert grad.shape == expected.shape
        assert_allclose(grad, expected, rtol=0, atol=TOLERANCE)
    for grad, expected in zip(intercept_grads, expected_intercepts):
        assert grad.shape == expected.shape
        assert_allclose(grad, expected, rtol=0, atol=TOLERANCE)


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("n_units", LAYER_SIZES)
def test_sleep_gradients_match_differences(n_units, seed):
    rng = np.random.default_rng(seed)
    rec_coefs, rec_intercepts = random_recognition_network(rng, n_units)
    layers = random_layers(rng, n_units)

    def objective(coefs, intercepts):
        return mean_log_recognition(coefs, intercepts, layers)

    expected_coefs, expected_intercepts = central_differences(
        objective, rec_coefs, rec_intercepts
    )
    coef_grads, intercept_grads = sleep_gradients(rec_coefs, rec_intercepts, layers)

    assert len(coef_grads) == len(n_units) - 1
    assert len(intercept_grads) == len(n_units) - 1
    for grad, expected in zip(coef_grads, expected_coefs):
        assert grad.shape == expected.shape
        assert_allclose(grad, expected, rtol=0, atol=TOLERANCE)
    for grad, expected in zip(intercept_grads, expected_intercepts):
        assert grad.shape == expected.shape
        assert_allclose(grad, expected, rtol=0, atol=TOLERANCE)


def test_wake_gradients_single_row():
    # One data unit x and one hidden unit h, with x = 1 and h = 1. The wake
    # objective is log sigmoid(b1) + log sigmoid(w + b0), whose derivatives
    # are 1 - sigmoid(b1) for b1 and 1 - sigmoid(w + b0) for w and b0.
    gen_coefs = [np.array([[np.log(36.0)]])]
    gen_intercepts = [np.array([np.log(0.25)]), np.array([np.log(3.0)])]
    layers = [np.array([[1.0]]), np.array([[1.0]])]

    coef_grads, intercept_grads = wake_gradients(gen_coefs, gen_intercepts, layers)

    # sigmoid(log 36 + log(1/4)) = sigmoid(log 9) = 0.9 and sigmoid(log 3) = 0.75.
    assert_allclose(coef_grads[0], [[0.1]], rtol=0, atol=1e-12)
    assert_allclose(intercept_grads[0], [0.1], rtol=0, atol=1e-12)
    assert_allclose(intercept_grads[1], [0.25], rtol=0, atol=1e-12)


def test_gradients_leave_inputs_unchanged():
    rng = np.random.default_rng(3)
    n_units = [5, 3, 2]
    gen_coefs, gen_intercepts = random_generative_network(rng, n_units)
    rec_coefs, rec_intercepts = random_recognition_network(rng, n_units)
    layers = random_layers(rng, n_units)
    copies = [
        [a.copy() for a in arrays]
        for arrays in (gen_coefs, gen_intercepts, rec_coefs, rec_intercepts, layers)
    ]

    wake_gradients(gen_coefs, gen_intercepts, layers)
    sleep_gradients(rec_coefs, rec_intercepts, layers)

    originals = (gen_coefs, gen_intercepts, rec_coefs, rec_intercepts, layers)
    for arrays, saved in zip(originals, copies):
        for array, copy in zip(arrays, saved):
            assert np.array_equal(array, copy)

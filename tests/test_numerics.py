"""Numerical extremes: saturated weights, large learning rates, divergence, float32.

pytest turns warnings into errors, and the tests of scoring, sampling and
training also make numpy raise on overflow, division by zero and invalid
operations, so a single such event in the library fails them. Underflow keeps numpy's default
(ignored): exp(-1e4) rounding to 0.0 inside log1p(exp(-|a|)) is exact to
float precision.
"""

import itertools

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from scipy.special import logsumexp
from sklearn.datasets import load_digits

from sk_helmholtz import HelmholtzMachine

STRICT = {"over": "raise", "divide": "raise", "invalid": "raise"}
PARAMETERS = (
    "generative_coefs_",
    "generative_intercepts_",
    "recognition_coefs_",
    "recognition_intercepts_",
)


def all_binary_vectors(n_units):
    return np.array(list(itertools.product((0.0, 1.0), repeat=n_units)))


def fitted_machine(n_features, hidden_layer_sizes, dtype=np.float64):
    X = np.random.default_rng(0).integers(0, 2, size=(20, n_features)).astype(dtype)
    return HelmholtzMachine(
        hidden_layer_sizes=hidden_layer_sizes, max_iter=1, random_state=0
    ).fit(X)


def set_random_parameters(model, scale, seed, signs_only=False):
    """Replace all parameters by scale * N(0, 1) draws, or by scale * (+/-1)."""
    rng = np.random.default_rng(seed)
    for name in PARAMETERS:
        shapes = [param.shape for param in getattr(model, name)]
        if signs_only:
            values = [scale * rng.choice([-1.0, 1.0], size=shape) for shape in shapes]
        else:
            values = [scale * rng.standard_normal(shape) for shape in shapes]
        setattr(model, name, values)
    return model


def assert_all_finite_parameters(model):
    for name in PARAMETERS:
        for param in getattr(model, name):
            assert np.isfinite(param).all(), name


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_saturated_weights_score_finite(seed):
    model = set_random_parameters(fitted_machine(6, (4, 3)), 1e4, seed, signs_only=True)
    X = all_binary_vectors(6)

    with np.errstate(**STRICT):
        scores = model.score_samples(X)

    assert np.isfinite(scores).all()
    assert scores.max() <= 0
    # Many rows are about exp(-1e4) likely: a probability underflows to 0.0,
    # so only log-probabilities computed from logits stay finite here.
    assert scores.min() < -1000
    assert logsumexp(scores) == pytest.approx(0.0, abs=1e-9)


def test_saturated_logit_exact_value():
    model = fitted_machine(2, (1,))
    model.generative_coefs_ = [np.zeros((1, 2))]
    model.generative_intercepts_ = [np.array([-1e4, -2e4]), np.zeros(1)]

    with np.errstate(**STRICT):
        scores = model.score_samples(np.array([[1.0, 1.0], [1.0, 0.0], [0.0, 0.0]]))

    # log sigmoid(a) = a - log1p(exp(a)) is a to double precision for a <= -40.
    assert scores[0] == pytest.approx(-3e4, rel=1e-15)
    assert scores[1] == pytest.approx(-1e4, rel=1e-15)
    assert -1e-300 < scores[2] <= 0.0


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_saturated_weights_transform_sample(dtype):
    model = set_random_parameters(fitted_machine(6, (4, 3)), 1e4, 0, signs_only=True)
    X = all_binary_vectors(6).astype(dtype)

    with np.errstate(**STRICT):
        features = model.transform(X)
        samples = model.sample(500, random_state=0)

    assert features.dtype == dtype
    assert np.isfinite(features).all()
    assert features.min() >= 0.0
    assert features.max() <= 1.0
    assert np.isin(samples, (0.0, 1.0)).all()


def test_saturated_weights_continue_training():
    model = set_random_parameters(fitted_machine(6, (4, 3)), 1e4, 0, signs_only=True)
    X = all_binary_vectors(6)

    with np.errstate(**STRICT):
        model.set_params(learning_rate=10.0).partial_fit(X)
        scores = model.score_samples(X)

    assert np.isfinite(model.loss_curve_).all()
    assert_all_finite_parameters(model)
    assert np.isfinite(scores).all()


DATASETS = {
    "random": np.random.default_rng(3).integers(0, 2, size=(60, 6)).astype(np.float64),
    "all zeros": np.zeros((60, 6)),
    "all ones": np.ones((60, 6)),
}


@pytest.mark.parametrize("batch_size", [1, 10])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("data", DATASETS.keys())
def test_large_learning_rate_stays_finite(data, dtype, batch_size):
    X = DATASETS[data].astype(dtype)
    model = HelmholtzMachine(
        hidden_layer_sizes=(4, 3),
        learning_rate=10.0,
        batch_size=batch_size,
        max_iter=20,
        random_state=0,
    )

    with np.errstate(**STRICT):
        model.fit(X)
        scores = model.score_samples(X)
        features = model.transform(X)

    assert model.generative_coefs_[0].dtype == dtype
    assert np.isfinite(model.loss_curve_).all()
    assert_all_finite_parameters(model)
    assert np.isfinite(scores).all()
    assert np.isfinite(features).all()
    if data != "random":
        # One repeated row: the machine learns to give it most of the mass.
        assert scores[0] > np.log(0.5)


@pytest.mark.parametrize("batch_size", [1, 10])
@pytest.mark.parametrize(
    "dtype, learning_rate", [(np.float64, 1e308), (np.float32, 1e38)]
)
def test_divergence_first_epoch(dtype, learning_rate, batch_size):
    X = DATASETS["random"].astype(dtype)
    model = HelmholtzMachine(
        hidden_layer_sizes=(4, 3),
        learning_rate=learning_rate,
        batch_size=batch_size,
        random_state=0,
    )

    with pytest.raises(FloatingPointError) as raised:
        model.fit(X)

    message = str(raised.value)
    assert "Training diverged in epoch 1" in message
    assert "Use a smaller learning_rate" in message
    assert model.n_iter_ == 0
    assert model.loss_curve_ == []
    assert_all_finite_parameters(model)


def test_divergence_keeps_last_finite_model():
    X = DATASETS["random"]
    model = HelmholtzMachine(hidden_layer_sizes=(4, 3), max_iter=2, random_state=0).fit(X)
    saved = {name: [param.copy() for param in getattr(model, name)] for name in PARAMETERS}
    scores_before = model.score_samples(X)

    with pytest.raises(FloatingPointError) as raised:
        model.set_params(learning_rate=1e308).partial_fit(X)

    message = str(raised.value)
    assert "Training diverged in epoch 3" in message
    assert "(1e+308, 1e+308)" in message
    assert "n_iter_=2" in message
    assert model.n_iter_ == 2
    assert len(model.loss_curve_) == 2
    for name in PARAMETERS:
        for param, expected in zip(getattr(model, name), saved[name]):
            assert_array_equal(param, expected)
    assert_array_equal(model.score_samples(X), scores_before)


def test_divergence_in_warm_start_fit():
    X = DATASETS["random"]
    model = HelmholtzMachine(hidden_layer_sizes=(3,), max_iter=2, random_state=0).fit(X)
    model.set_params(warm_start=True, learning_rate=1e308, max_iter=5)

    with pytest.raises(FloatingPointError) as raised:
        model.fit(X)

    assert "Training diverged in epoch 3:" in str(raised.value)
    assert model.n_iter_ == 2
    assert np.isfinite(model.loss_curve_).all()
    assert_all_finite_parameters(model)


# float32 and float64 scores of one model agree to this many nats per nat of
# |log p|, with at least 1 nat as the scale: the bound stated in the
# score_samples docstring.
FLOAT32_RTOL = 1e-5


def assert_float32_agrees(scores32, scores64):
    assert scores32.dtype == np.float32
    error = np.abs(scores32.astype(np.float64) - scores64)
    bound = FLOAT32_RTOL * np.maximum(1.0, np.abs(scores64))
    assert (error <= bound).all(), float((error / bound).max())


@pytest.mark.parametrize("hidden_layer_sizes", [(10,), (8, 4)])
def test_float32_training_scores(hidden_layer_sizes):
    X = (load_digits().data / 16).astype(np.float32)
    model = HelmholtzMachine(
        hidden_layer_sizes=hidden_layer_sizes, max_iter=5, random_state=0
    ).fit(X)

    with np.errstate(**STRICT):
        scores32 = model.score_samples(X)
        scores64 = model.score_samples(X.astype(np.float64))

    assert model.generative_coefs_[0].dtype == np.float32
    assert scores64.dtype == np.float64
    assert_float32_agrees(scores32, scores64)


@pytest.mark.parametrize("scale", [1.0, 10.0, 100.0, 1e4])
def test_float32_scores_large_weights(scale):
    model = set_random_parameters(fitted_machine(6, (4, 3)), scale, seed=1)
    X = all_binary_vectors(6)

    with np.errstate(**STRICT):
        scores32 = model.score_samples(X.astype(np.float32))
        scores64 = model.score_samples(X)

    assert_float32_agrees(scores32, scores64)


def test_float32_online_divergence_caught():
    # Online float32 training at this rate keeps every parameter finite but
    # near 1e37, where float32 logits overflow, so the epoch check rejects it.
    X = DATASETS["random"].astype(np.float32)
    model = HelmholtzMachine(
        hidden_layer_sizes=(4, 3), learning_rate=1e38, batch_size=1, random_state=0
    )

    with pytest.raises(FloatingPointError) as raised:
        model.fit(X)

    assert "too large for float32" in str(raised.value)
    assert model.n_iter_ == 0


def test_weights_too_large_for_float32():
    model = fitted_machine(6, (4, 3))
    model.generative_coefs_ = [coef + 1e37 for coef in model.generative_coefs_]
    X = all_binary_vectors(6)

    with pytest.raises(ValueError) as raised:
        model.score_samples(X.astype(np.float32))

    message = str(raised.value)
    assert "generative parameters are too large for float32" in message
    assert "Pass X as float64" in message
    with np.errstate(**STRICT):
        scores = model.score_samples(X)
    assert np.isfinite(scores).all()


@pytest.mark.parametrize("method", ["score_samples", "transform", "sample"])
def test_weights_too_large_for_float64(method):
    model = fitted_machine(6, (4, 3))
    for name in PARAMETERS:
        setattr(model, name, [param + 1e307 for param in getattr(model, name)])
    argument = 10 if method == "sample" else all_binary_vectors(6)

    with pytest.raises(ValueError) as raised:
        getattr(model, method)(argument)

    message = str(raised.value)
    assert "parameters are too large for float64" in message
    assert "Refit with a smaller learning_rate" in message

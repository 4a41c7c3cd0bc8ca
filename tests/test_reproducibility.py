"""Reproducibility and state: seeds, clone, warm starts, threads and pickles."""

import pickle
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.base import clone

import sk_helmholtz
from sk_helmholtz import HelmholtzMachine

PARAMETERS = (
    "generative_coefs_",
    "generative_intercepts_",
    "recognition_coefs_",
    "recognition_intercepts_",
)
X = (np.random.default_rng(0).random((80, 6)) > 0.5).astype(np.float64)


def assert_same_model(first, second):
    """Assert bit-identical parameters, epoch count and free-energy curve."""
    for name in PARAMETERS:
        assert len(getattr(first, name)) == len(getattr(second, name)), name
        for param, other in zip(getattr(first, name), getattr(second, name)):
            assert_array_equal(param, other, err_msg=name, strict=True)
    assert first.n_iter_ == second.n_iter_
    assert first.loss_curve_ == second.loss_curve_


def differs(first, second):
    return any(
        not np.array_equal(param, other)
        for name in PARAMETERS
        for param, other in zip(getattr(first, name), getattr(second, name))
    )


SETTINGS = {
    "minibatch": {"batch_size": 10},
    "online": {"batch_size": 1},
    "random init": {"init": "random", "hidden_layer_sizes": (4, 3)},
    "no shuffle": {"shuffle": False, "learning_rate": (0.2, 0.05), "hidden_layer_sizes": (4, 2)},
    "float32": {"dtype": np.float32},
}


def make_machine(setting, **params):
    settings = dict(SETTINGS[setting])
    dtype = settings.pop("dtype", np.float64)
    defaults = {"hidden_layer_sizes": (4,), "max_iter": 3, "random_state": 7}
    return HelmholtzMachine(**{**defaults, **settings, **params}), X.astype(dtype)


@pytest.mark.parametrize("setting", SETTINGS)
def test_same_seed_bit_identical(setting):
    first, data = make_machine(setting)
    second, _ = make_machine(setting)

    first.fit(data)
    second.fit(data)

    assert_same_model(first, second)
    assert_array_equal(first.score_samples(data), second.score_samples(data))
    assert_array_equal(first.transform(data), second.transform(data))


@pytest.mark.parametrize("setting", SETTINGS)
def test_repeat_fit_bit_identical(setting):
    model, data = make_machine(setting)
    first = clone(model.fit(data))

    first.fit(data)
    model.fit(data)

    assert_same_model(model, first)


@pytest.mark.parametrize("setting", SETTINGS)
def test_different_seed_differs(setting):
    first, data = make_machine(setting, random_state=1)
    second, _ = make_machine(setting, random_state=2)

    assert differs(first.fit(data), second.fit(data))


def test_warm_start_continues():
    continued = HelmholtzMachine(hidden_layer_sizes=(4,), max_iter=1, warm_start=True,
                                 random_state=3)
    at_once = HelmholtzMachine(hidden_layer_sizes=(4,), max_iter=2, random_state=3)

    continued.fit(X)
    continued.fit(X)
    at_once.fit(X)

    assert continued.n_iter_ == 2
    assert_same_model(continued, at_once)


def test_cold_refit_restarts():
    model = HelmholtzMachine(hidden_layer_sizes=(4,), max_iter=1, random_state=3)
    once = clone(model).fit(X)

    model.fit(X)
    model.fit(X)

    assert model.n_iter_ == 1
    assert_same_model(model, once)


def test_partial_fit_after_fit_continues():
    model = HelmholtzMachine(hidden_layer_sizes=(4,), max_iter=1, random_state=3)
    at_once = HelmholtzMachine(hidden_layer_sizes=(4,), max_iter=2, random_state=3)

    model.fit(X)
    model.partial_fit(X)
    at_once.fit(X)

    assert model.n_iter_ == 2
    assert len(model.loss_curve_) == 2
    assert_same_model(model, at_once)


def test_set_params_then_fit():
    model = HelmholtzMachine(hidden_layer_sizes=(4,), max_iter=1, random_state=3).fit(X)
    new_params = {"hidden_layer_sizes": (5, 2), "learning_rate": 0.3, "max_iter": 3}
    fresh = HelmholtzMachine(random_state=3, **new_params).fit(X)

    model.set_params(**new_params).fit(X)

    assert model.n_iter_ == 3
    assert model.transform(X).shape == (80, 7)
    assert_same_model(model, fresh)


def test_warm_start_uses_new_learning_rate():
    def warm_model():
        return HelmholtzMachine(
            hidden_layer_sizes=(4,), max_iter=1, warm_start=True, random_state=3
        ).fit(X)

    faster = warm_model().set_params(learning_rate=0.5).fit(X)
    same_rate = warm_model().fit(X)
    partial = warm_model().set_params(learning_rate=0.5).partial_fit(X)

    assert faster.n_iter_ == 2
    assert differs(faster, same_rate)
    assert_same_model(faster, partial)


@pytest.mark.parametrize("method", ["warm fit", "partial_fit"])
def test_continue_with_new_layer_sizes(method):
    model = HelmholtzMachine(hidden_layer_sizes=(4,), max_iter=1, random_state=3).fit(X)
    model.set_params(hidden_layer_sizes=(6,), warm_start=True)

    with pytest.raises(ValueError) as raised:
        model.fit(X) if method == "warm fit" else model.partial_fit(X)

    message = str(raised.value)
    assert "hidden_layer_sizes=(6,) differs from the fitted network" in message
    assert "(4,)" in message
    assert "warm_start=False" in message
    assert model.n_iter_ == 1


@pytest.fixture(scope="module")
def fitted():
    return HelmholtzMachine(hidden_layer_sizes=(4, 2), max_iter=3, random_state=3).fit(X)


def test_sample_seed_none_differs(fitted):
    first = fitted.sample(200)
    second = fitted.sample(200)

    assert not np.array_equal(first, second)


@pytest.mark.parametrize("seed", [0, 12345, np.int64(9)])
def test_sample_int_seed_repeats(fitted, seed):
    first = fitted.sample(200, random_state=seed)
    second = fitted.sample(200, random_state=seed)
    other = fitted.sample(200, random_state=int(seed) + 1)

    assert_array_equal(first, second)
    assert not np.array_equal(first, other)


def test_sample_generator_seed_repeats(fitted):
    first = fitted.sample(200, random_state=np.random.default_rng(4))
    second = fitted.sample(200, random_state=np.random.default_rng(4))

    assert_array_equal(first, second)


def test_threads_match_serial(fitted):
    blocks = [
        (np.random.default_rng(seed).random((500, 6)) > 0.5).astype(np.float64)
        for seed in range(16)
    ]
    serial = [(fitted.score_samples(b), fitted.transform(b)) for b in blocks]

    def score_and_transform(block):
        return fitted.score_samples(block), fitted.transform(block)

    with ThreadPoolExecutor(max_workers=8) as pool:
        threaded = list(pool.map(score_and_transform, blocks * 4))

    for index, (scores, features) in enumerate(threaded):
        expected_scores, expected_features = serial[index % len(blocks)]
        assert_array_equal(scores, expected_scores)
        assert_array_equal(features, expected_features)


def test_pickle_same_outputs(fitted):
    original = clone(fitted).fit(X)
    loaded = pickle.loads(pickle.dumps(original))

    assert_same_model(loaded, original)
    assert_array_equal(loaded.score_samples(X), original.score_samples(X))
    assert_array_equal(loaded.transform(X), original.transform(X))
    assert_array_equal(loaded.sample(50, random_state=0), original.sample(50, random_state=0))
    # The estimator's own random stream is part of the pickle.
    assert_array_equal(loaded.sample(50), original.sample(50))
    assert_same_model(loaded.partial_fit(X), original.partial_fit(X))


def pickle_as_version(model, version, monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr(sk_helmholtz, "__version__", version)
        return pickle.dumps(model)


@pytest.mark.parametrize("patch_part", ["7", "0.post1", "1.dev0"])
def test_pickle_other_patch_version_loads(fitted, monkeypatch, patch_part):
    major, minor = sk_helmholtz.__version__.split(".")[:2]
    version = f"{major}.{minor}.{patch_part}"

    loaded = pickle.loads(pickle_as_version(fitted, version, monkeypatch))

    assert_array_equal(loaded.score_samples(X), fitted.score_samples(X))


@pytest.mark.parametrize("version", ["0.2.0", "1.1.0", "0.0.9"])
def test_pickle_other_minor_version_fails(fitted, monkeypatch, version):
    data = pickle_as_version(fitted, version, monkeypatch)

    with pytest.raises(ValueError) as raised:
        pickle.loads(data)

    message = str(raised.value)
    assert f"pickle made with sk_helmholtz {version}" in message
    assert f"sk_helmholtz {sk_helmholtz.__version__} is installed" in message
    assert "Refit the model with this version" in message


def test_pickle_without_version_fails(fitted):
    state = fitted.__getstate__()
    del state["_sk_helmholtz_version"]
    model = HelmholtzMachine.__new__(HelmholtzMachine)

    with pytest.raises(ValueError) as raised:
        model.__setstate__(state)

    assert "does not record its sk_helmholtz version" in str(raised.value)

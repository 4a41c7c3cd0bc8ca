"""The compiled online loop trains the same model as the numpy path."""

import numpy as np
import pytest

from sk_helmholtz import HelmholtzMachine
from sk_helmholtz._online import compiled_available, run_online_epoch

pytestmark = pytest.mark.skipif(not compiled_available(), reason="numba is not installed")


def random_model(n_units, dtype, seed):
    rng = np.random.default_rng(seed)
    pairs = list(zip(n_units[:-1], n_units[1:]))
    return {
        "gen_coefs": [rng.normal(0, 1, (upper, lower)).astype(dtype) for lower, upper in pairs],
        "gen_intercepts": [rng.normal(0, 1, n).astype(dtype) for n in n_units],
        "rec_coefs": [rng.normal(0, 1, (lower, upper)).astype(dtype) for lower, upper in pairs],
        "rec_intercepts": [rng.normal(0, 1, n).astype(dtype) for n in n_units[1:]],
    }


@pytest.mark.parametrize("n_units", [[5, 3], [6, 4, 2], [7, 4, 3, 2]])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_compiled_matches_numpy_path(n_units, dtype):
    data = (np.random.default_rng(1).random((300, n_units[0])) < 0.4).astype(dtype)
    rates = (0.2,) * (len(n_units) - 1)
    compiled = random_model(n_units, dtype, seed=2)
    numpy_path = random_model(n_units, dtype, seed=2)

    free_energy_compiled = run_online_epoch(
        compiled, data, rates, np.random.default_rng(3), compiled=True
    )
    free_energy_numpy = run_online_epoch(
        numpy_path, data, rates, np.random.default_rng(3), compiled=False
    )

    tolerance = 1e-12 if dtype == np.float64 else 1e-5
    for name in compiled:
        for index, (got, want) in enumerate(zip(compiled[name], numpy_path[name])):
            assert got.dtype == dtype
            np.testing.assert_allclose(got, want, atol=tolerance, err_msg=f"{name}[{index}]")
    assert free_energy_compiled == pytest.approx(free_energy_numpy, rel=1e-6)


def test_compiled_updates_parameters_in_place():
    model = random_model([4, 2], np.float64, seed=0)
    arrays = [array for name in model for array in model[name]]
    before = [array.copy() for array in arrays]
    data = np.ones((10, 4))
    run_online_epoch(model, data, (0.5,), np.random.default_rng(0), compiled=True)
    for index, (array, old) in enumerate(zip(arrays, before)):
        assert array is [a for name in model for a in model[name]][index]
        assert not np.array_equal(array, old)


def test_estimator_online_fit_reproducible():
    X = (np.random.default_rng(0).random((200, 6)) < 0.5).astype(float)
    first = HelmholtzMachine((3, 2), batch_size=1, max_iter=2, random_state=5).fit(X)
    second = HelmholtzMachine((3, 2), batch_size=1, max_iter=2, random_state=5).fit(X)
    for got, want in zip(first.generative_coefs_, second.generative_coefs_):
        np.testing.assert_array_equal(got, want)

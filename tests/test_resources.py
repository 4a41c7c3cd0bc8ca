"""Resource guards: cost checks before allocation, and chunked work on many rows.

Peak memory is measured with tracemalloc, to which numpy reports its
array allocations. The many-row tests set scikit-learn's ``working_memory``
to 4 MiB, so chunked work stays far below the size of the same
intermediate arrays for all rows at once.
"""

import time
import tracemalloc

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn import config_context

from sk_helmholtz import HelmholtzMachine

MIB = 2**20
WORKING_MEMORY_MIB = 4
# Work beyond the output and one copy of the input stays under this bound.
CHUNKED_BOUND = 4 * WORKING_MEMORY_MIB * MIB


def small_data(n_features, n_rows=20, dtype=np.float64):
    rng = np.random.default_rng(0)
    return rng.integers(0, 2, size=(n_rows, n_features)).astype(dtype)


def measure(function, *args):
    """Return (result, peak traced bytes, seconds) of one call."""
    tracemalloc.start()
    start = time.perf_counter()
    try:
        result = function(*args)
    except ValueError as error:
        result = error
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return result, peak, seconds


@pytest.mark.parametrize("method", ["score_samples", "score"])
def test_wide_layer_fails_fast(method):
    model = HelmholtzMachine(
        hidden_layer_sizes=(64,), likelihood="exact", max_iter=1, random_state=0
    )
    model.fit(small_data(5))

    error, peak, seconds = measure(getattr(model, method), small_data(5))

    assert isinstance(error, ValueError)
    message = str(error)
    assert "2**64 = 18446744073709551616 states of hidden layer 1 (64 units)" in message
    assert "Use hidden layers of at most 20 units" in message
    assert seconds < 0.2
    assert peak < MIB


def test_very_wide_layer_message():
    # Python refuses to print 2**20000 in decimal (more than 4300 digits), so
    # the message must write the state count as a power of two.
    model = HelmholtzMachine(
        hidden_layer_sizes=(3, 20_000), likelihood="exact", max_iter=1, random_state=0
    )
    model.fit(small_data(2, n_rows=4))

    with pytest.raises(ValueError) as raised:
        model.score_samples(small_data(2, n_rows=4))

    message = str(raised.value)
    assert "all 2**20000 states of hidden layer 2 (20000 units)" in message
    assert "Use hidden layers of at most 20 units" in message


def test_state_pairs_fail_fast():
    model = HelmholtzMachine(
        hidden_layer_sizes=(16, 16), likelihood="exact", max_iter=1, random_state=0
    )
    model.fit(small_data(5))

    error, peak, seconds = measure(model.score_samples, small_data(5))

    assert isinstance(error, ValueError)
    message = str(error)
    assert "2**32 = 4294967296 state pairs of hidden layers 1 and 2" in message
    assert "Make these two layers narrower" in message
    assert seconds < 0.2
    assert peak < MIB


# Parameters: both networks' weights, 2 * sum of n_i * n_(i+1), plus the
# generative intercepts of every layer and the recognition intercepts of the
# hidden layers.
@pytest.mark.parametrize(
    "n_features, hidden_layer_sizes, n_parameters",
    [
        (3, (10**9,), "8000000003 parameters (59.6 GiB as float64)"),
        (3, (60_000, 60_000), "7200600003 parameters (53.6 GiB as float64)"),
        (100_000, (2_000,), "400104000 parameters (2.98 GiB as float64)"),
    ],
)
@pytest.mark.parametrize("method", ["fit", "partial_fit"])
def test_parameter_memory_guard(method, n_features, hidden_layer_sizes, n_parameters):
    X = np.zeros((2, n_features))
    model = HelmholtzMachine(hidden_layer_sizes=hidden_layer_sizes, random_state=0)

    error, peak, seconds = measure(getattr(model, method), X)

    assert isinstance(error, ValueError)
    message = str(error)
    assert f"hidden_layer_sizes={hidden_layer_sizes!r} on {n_features} features" in message
    assert n_parameters in message
    assert "more than the limit of 1 GiB" in message
    assert "Use fewer hidden units, or fewer features" in message
    assert seconds < 0.5
    assert peak < 4 * MIB + X.nbytes


def test_large_network_below_guard_fits():
    model = HelmholtzMachine(hidden_layer_sizes=(2_000,), max_iter=1, random_state=0)

    model.fit(small_data(784, n_rows=5))

    assert model.generative_coefs_[0].shape == (2_000, 784)


@pytest.fixture(scope="module")
def float32_machine():
    X = small_data(4, n_rows=200, dtype=np.float32)
    return HelmholtzMachine(hidden_layer_sizes=(8,), max_iter=2, random_state=0).fit(X)


def test_transform_many_rows_bounded(float32_machine):
    X = np.random.default_rng(1).random((2_000_000, 4), dtype=np.float32)

    with config_context(working_memory=WORKING_MEMORY_MIB):
        features, peak, _ = measure(float32_machine.transform, X)

    # All rows at once would need the 0/1 copy of X (32 MB), the logits and
    # the probabilities (64 MB each) and their concatenation (64 MB).
    assert features.shape == (2_000_000, 8)
    assert features.dtype == np.float32
    assert peak - features.nbytes < CHUNKED_BOUND
    assert_allclose(features[-5:], float32_machine.transform(X[-5:]), rtol=1e-6)


def test_sample_many_rows_bounded(float32_machine):
    with config_context(working_memory=WORKING_MEMORY_MIB):
        samples, peak, _ = measure(float32_machine.sample, 2_000_000, 0)

    # All rows at once would need the top-layer probabilities, uniforms and
    # states (64 MB each) and the data-layer logits (32 MB).
    assert samples.shape == (2_000_000, 4)
    assert np.isin(samples[:1000], (0.0, 1.0)).all()
    assert peak - samples.nbytes < CHUNKED_BOUND


def test_score_samples_many_rows_bounded(float32_machine):
    X = np.random.default_rng(2).random((1_000_000, 4), dtype=np.float32)

    with config_context(working_memory=WORKING_MEMORY_MIB):
        scores, peak, _ = measure(float32_machine.score_samples, X)

    # All rows at once would need 1e6 rows x 2**8 states x 4 bytes = 1 GB of
    # joint log-probabilities; score_samples keeps one 0/1 copy of X.
    assert scores.shape == (1_000_000,)
    assert np.isfinite(scores).all()
    assert peak - scores.nbytes - X.nbytes < CHUNKED_BOUND


@pytest.mark.parametrize("method", ["transform", "score_samples"])
def test_chunked_results_match(float32_machine, method):
    X = np.random.default_rng(3).random((3_000, 4))

    with config_context(working_memory=0.01):
        chunked = getattr(float32_machine, method)(X)
    whole = getattr(float32_machine, method)(X)

    assert_allclose(chunked, whole, rtol=1e-12, atol=1e-12)


def test_sample_chunked_matches(float32_machine):
    with config_context(working_memory=0.01):
        chunked = float32_machine.sample(3_000, random_state=5)
    whole = float32_machine.sample(3_000, random_state=5)

    assert chunked.shape == whole.shape
    assert abs(chunked.mean() - whole.mean()) < 0.05

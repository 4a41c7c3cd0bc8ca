"""Input types users bring: sparse matrices, frames, integer, boolean, float32,
read-only and memory-mapped arrays, and data read in chunks.

Every case compares with the result of the same model on a dense float64
array, so a type that changed any number would show here.
"""

import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn import config_context

from sk_helmholtz import HelmholtzMachine
from sk_helmholtz._sparse import threshold_bits

PARAMETERS = (
    "generative_coefs_",
    "generative_intercepts_",
    "recognition_coefs_",
    "recognition_intercepts_",
)
RNG = np.random.default_rng(0)
# Mostly zeros, like typical sparse data. The stored values lie in [0, 1).
X_DENSE = RNG.random((120, 10)) * (RNG.random((120, 10)) > 0.6)
BITS = (X_DENSE > 0.5).astype(np.float64)
PARAMS = {"hidden_layer_sizes": (4, 2), "max_iter": 2, "random_state": 0}

SPARSE_FORMATS = ["csr", "csc", "coo", "lil", "dok", "bsr", "dia"]

# The threshold -0.25 turns every value of X_DENSE into 1, which fit warns
# about. The tests use it to run the code path where implicit zeros become ones.
pytestmark = pytest.mark.filterwarnings(
    "ignore:binarize=-0.25 turns every value of X into 1:UserWarning"
)


def assert_same_parameters(first, second):
    for name in PARAMETERS:
        for param, other in zip(getattr(first, name), getattr(second, name)):
            assert_array_equal(param, other, err_msg=name, strict=True)


def sparse_matrix(X, fmt, container=sp.csr_matrix):
    # scipy warns that DIA is inefficient for data with many diagonals.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sp.SparseEfficiencyWarning)
        return container(X).asformat(fmt)


@pytest.mark.parametrize("fmt", SPARSE_FORMATS)
@pytest.mark.parametrize("container", [sp.csr_matrix, sp.csr_array], ids=["matrix", "array"])
def test_sparse_fit_matches_dense(fmt, container):
    dense = HelmholtzMachine(**PARAMS).fit(X_DENSE)
    sparse = HelmholtzMachine(**PARAMS).fit(sparse_matrix(X_DENSE, fmt, container))

    assert_same_parameters(sparse, dense)
    assert sparse.loss_curve_ == dense.loss_curve_


@pytest.mark.parametrize("binarize", [0.5, 0.0, -0.25, None])
@pytest.mark.parametrize("batch_size", [1, 10])
@pytest.mark.parametrize("shuffle", [True, False])
def test_sparse_training_matches_dense(binarize, batch_size, shuffle):
    params = {**PARAMS, "binarize": binarize, "batch_size": batch_size, "shuffle": shuffle}
    X_sparse = sp.csc_matrix(X_DENSE)
    dense = HelmholtzMachine(**params).fit(X_DENSE).partial_fit(X_DENSE)

    sparse = HelmholtzMachine(**params).fit(X_sparse).partial_fit(X_sparse)

    assert_same_parameters(sparse, dense)


@pytest.mark.parametrize("fmt", SPARSE_FORMATS)
@pytest.mark.parametrize("binarize", [0.5, -0.25, None])
def test_sparse_outputs_match_dense(fmt, binarize):
    model = HelmholtzMachine(**{**PARAMS, "binarize": binarize}).fit(X_DENSE)
    X_sparse = sparse_matrix(X_DENSE, fmt)

    assert_allclose(model.score_samples(X_sparse), model.score_samples(X_DENSE), rtol=1e-12)
    assert_allclose(model.transform(X_sparse), model.transform(X_DENSE), rtol=1e-12)
    assert model.score(X_sparse) == pytest.approx(model.score(X_DENSE), rel=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sparse_keeps_dtype(dtype):
    X_sparse = sp.csr_matrix(X_DENSE.astype(dtype))
    model = HelmholtzMachine(**PARAMS).fit(X_sparse)

    assert model.generative_coefs_[0].dtype == dtype
    assert model.transform(X_sparse).dtype == dtype
    assert model.score_samples(X_sparse).dtype == dtype


def test_sparse_tag_set():
    assert HelmholtzMachine().__sklearn_tags__().input_tags.sparse is True


def test_threshold_keeps_sparsity():
    X_sparse = sp.csr_matrix(X_DENSE)

    bits = threshold_bits(X_sparse, 0.5)

    assert sp.issparse(bits)
    assert bits.nnz == np.count_nonzero(BITS)
    assert_array_equal(bits.toarray(), BITS)
    assert_array_equal(X_sparse.toarray(), X_DENSE)


def test_negative_threshold_dense_bits():
    X_sparse = sp.csr_matrix(X_DENSE)

    with config_context(working_memory=0.001):
        bits = threshold_bits(X_sparse, -0.25)

    assert isinstance(bits, np.ndarray)
    assert_array_equal(bits, np.ones_like(X_DENSE))


@pytest.fixture
def densified_rows(monkeypatch):
    """Record the row count of every sparse matrix turned dense."""
    counts = []
    original = sp.csr_matrix.toarray

    def recording_toarray(self, *args, **kwargs):
        counts.append(self.shape[0])
        return original(self, *args, **kwargs)

    monkeypatch.setattr(sp.csr_matrix, "toarray", recording_toarray)
    return counts


@pytest.mark.parametrize("binarize", [0.5, -0.25])
@pytest.mark.parametrize("batch_size", [1, 10])
def test_sparse_never_densified_whole(densified_rows, binarize, batch_size):
    X_sparse = sp.csr_matrix(np.tile(X_DENSE, (20, 1)))
    n_rows = X_sparse.shape[0]
    model = HelmholtzMachine(**{**PARAMS, "binarize": binarize, "batch_size": batch_size})

    # Working memory of 10 kB bounds the chunks of scoring and transform.
    with config_context(working_memory=0.01):
        model.fit(X_sparse)
        model.partial_fit(X_sparse)
        model.score_samples(X_sparse)
        model.transform(X_sparse)

    assert densified_rows, "no sparse rows were densified"
    assert max(densified_rows) < n_rows


@pytest.mark.parametrize(
    "method", ["fit", "partial_fit", "score_samples", "transform"]
)
def test_sparse_value_outside_unit_interval(method):
    X = X_DENSE.copy()
    X[5, 3] = 1.5
    model = HelmholtzMachine(**{**PARAMS, "binarize": None})
    if method not in ("fit", "partial_fit"):
        model.fit(X_DENSE)

    with pytest.raises(ValueError) as raised:
        getattr(model, method)(sp.csr_matrix(X))

    message = str(raised.value)
    assert "X contains 1.5 at row 5, column 3" in message
    assert "binarize=0.5" in message


def test_frame_keeps_feature_names():
    columns = [f"pixel_{index}" for index in range(X_DENSE.shape[1])]
    frame = pd.DataFrame(X_DENSE, columns=columns)

    model = HelmholtzMachine(**PARAMS).fit(frame)

    assert list(model.feature_names_in_) == columns
    assert list(model.get_feature_names_out()) == [
        f"helmholtzmachine{index}" for index in range(6)
    ]
    reference = HelmholtzMachine(**PARAMS).fit(X_DENSE)
    assert_same_parameters(model, reference)
    assert_array_equal(model.transform(frame), reference.transform(X_DENSE))


def test_frame_then_array_warns():
    frame = pd.DataFrame(X_DENSE, columns=[f"c{index}" for index in range(10)])
    model = HelmholtzMachine(**PARAMS).fit(frame)

    with pytest.warns(UserWarning, match="X does not have valid feature names"):
        model.score_samples(X_DENSE)


def test_array_then_frame_warns():
    model = HelmholtzMachine(**PARAMS).fit(X_DENSE)
    frame = pd.DataFrame(X_DENSE, columns=[f"c{index}" for index in range(10)])

    with pytest.warns(UserWarning, match="X has feature names, but HelmholtzMachine"):
        model.transform(frame)


def test_frame_other_names_rejected():
    frame = pd.DataFrame(X_DENSE, columns=[f"c{index}" for index in range(10)])
    model = HelmholtzMachine(**PARAMS).fit(frame)
    renamed = frame.rename(columns={"c3": "other"})

    with pytest.raises(ValueError, match="unseen at fit time"):
        model.score(renamed)


def test_sparse_frame_matches_dense():
    frame = pd.DataFrame.sparse.from_spmatrix(
        sp.csr_matrix(X_DENSE), columns=[f"c{index}" for index in range(10)]
    )

    model = HelmholtzMachine(**PARAMS).fit(frame)

    reference = HelmholtzMachine(**PARAMS).fit(X_DENSE)
    assert_same_parameters(model, reference)
    assert_allclose(model.score_samples(frame), reference.score_samples(X_DENSE), rtol=1e-12)


@pytest.mark.parametrize("dtype", [np.int8, np.int64, np.uint8, bool])
def test_integer_and_boolean_arrays(dtype):
    X = BITS.astype(dtype)
    reference = HelmholtzMachine(**PARAMS).fit(BITS)

    model = HelmholtzMachine(**PARAMS).fit(X)

    assert_same_parameters(model, reference)
    assert model.generative_coefs_[0].dtype == np.float64
    assert_array_equal(model.score_samples(X), reference.score_samples(BITS))
    assert_array_equal(model.transform(X), reference.transform(BITS))


def test_float32_end_to_end():
    X = X_DENSE.astype(np.float32)
    model = HelmholtzMachine(**PARAMS).fit(X)
    model.partial_fit(X)

    for name in PARAMETERS:
        for param in getattr(model, name):
            assert param.dtype == np.float32, name
    assert model.transform(X).dtype == np.float32
    assert model.score_samples(X).dtype == np.float32
    assert model.sample(5, random_state=0).dtype == np.float32
    assert isinstance(model.score(X), float)
    # Scoring the same float32 model in float64 agrees to float32 precision.
    assert_allclose(model.score_samples(X), model.score_samples(X_DENSE), rtol=1e-5)


@pytest.fixture
def memmap_file(tmp_path):
    path = tmp_path / "rows.dat"
    array = np.memmap(path, dtype=np.float64, mode="w+", shape=X_DENSE.shape)
    array[:] = X_DENSE
    array.flush()
    del array
    return path


def test_memmap_matches_array(memmap_file):
    X = np.memmap(memmap_file, dtype=np.float64, mode="r", shape=X_DENSE.shape)
    reference = HelmholtzMachine(**PARAMS).fit(X_DENSE)

    model = HelmholtzMachine(**PARAMS).fit(X)

    assert_same_parameters(model, reference)
    assert_array_equal(model.score_samples(X), reference.score_samples(X_DENSE))
    assert_array_equal(model.transform(X), reference.transform(X_DENSE))
    assert_array_equal(np.asarray(X), X_DENSE)


@pytest.mark.parametrize("batch_size", [1, 6])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_memmap_chunks_equal_one_epoch(memmap_file, batch_size, dtype):
    X = np.memmap(memmap_file, dtype=np.float64, mode="r", shape=X_DENSE.shape)
    params = {**PARAMS, "batch_size": batch_size, "shuffle": False, "max_iter": 1}
    chunk_rows = 4 * 6

    streamed = HelmholtzMachine(**params)
    for start in range(0, X.shape[0], chunk_rows):
        streamed.partial_fit(np.asarray(X[start : start + chunk_rows], dtype=dtype))
    whole = HelmholtzMachine(**params).fit(X_DENSE.astype(dtype))

    assert_same_parameters(streamed, whole)
    assert streamed.n_iter_ == X.shape[0] // chunk_rows + (X.shape[0] % chunk_rows > 0)


def test_npy_reader_chunks_equal_one_epoch(tmp_path):
    path = tmp_path / "rows.npy"
    np.save(path, X_DENSE)
    params = {**PARAMS, "batch_size": 5, "shuffle": False, "max_iter": 1}

    def read_chunks(chunk_rows):
        rows = np.load(path, mmap_mode="r")
        for start in range(0, rows.shape[0], chunk_rows):
            yield rows[start : start + chunk_rows]

    streamed = HelmholtzMachine(**params)
    for chunk in read_chunks(35):
        streamed.partial_fit(chunk)
    whole = HelmholtzMachine(**params).fit(X_DENSE)

    assert_same_parameters(streamed, whole)


def test_sparse_chunks_equal_one_epoch():
    params = {**PARAMS, "batch_size": 4, "shuffle": False, "max_iter": 1}
    X_sparse = sp.csr_matrix(X_DENSE)

    streamed = HelmholtzMachine(**params)
    for start in range(0, X_sparse.shape[0], 40):
        streamed.partial_fit(X_sparse[start : start + 40])
    whole = HelmholtzMachine(**params).fit(X_DENSE)

    assert_same_parameters(streamed, whole)


def test_read_only_sparse_unchanged():
    X_sparse = sp.csr_matrix(X_DENSE)
    for array in (X_sparse.data, X_sparse.indices, X_sparse.indptr):
        array.setflags(write=False)

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = HelmholtzMachine(**PARAMS).fit(X_sparse)
        model.score_samples(X_sparse)
        model.transform(X_sparse)

    assert_array_equal(X_sparse.toarray(), X_DENSE)

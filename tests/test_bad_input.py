"""Bad input to every public method: the error type, the value and the fix.

Each case raises ValueError or TypeError, and its message must name the
offending value and give the fix. Separate asserts check the two parts.
Valid but unusual input (one row, one feature, read-only arrays) must work
and leave the caller's data unchanged.
"""

import copy
import re
import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from numpy.testing import assert_array_equal
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import make_pipeline

from sk_helmholtz import HelmholtzMachine

N_FEATURES = 4
PARAMS = {"hidden_layer_sizes": (3,), "max_iter": 2, "random_state": 0}
X_TRAIN = (np.random.default_rng(0).random((30, N_FEATURES)) > 0.5).astype(np.float64)
COLUMNS = ["a", "b", "c", "d"]


def with_value(value, row=2, column=1):
    """Return a copy of the training data with one entry replaced."""
    X = X_TRAIN.astype(object if isinstance(value, (str, dict)) else np.float64)
    X[row, column] = value
    return X


@pytest.fixture(scope="module")
def fitted():
    return HelmholtzMachine(**PARAMS).fit(X_TRAIN)


@pytest.fixture(scope="module")
def fitted_on_frame():
    return HelmholtzMachine(**PARAMS).fit(pd.DataFrame(X_TRAIN, columns=COLUMNS))


def call_method(method, model, X):
    """Call one public method; the training methods get a private copy."""
    if method == "fit":
        return HelmholtzMachine(**PARAMS).fit(X)
    if method == "first partial_fit":
        return HelmholtzMachine(**PARAMS).partial_fit(X)
    if method in ("partial_fit", "warm fit"):
        model = copy.deepcopy(model)
        if method == "warm fit":
            return model.set_params(warm_start=True).fit(X)
        return model.partial_fit(X)
    return getattr(model, method)(X)


ALL_METHODS = ["fit", "first partial_fit", "partial_fit", "score_samples", "score", "transform"]
FITTED_METHODS = ["warm fit", "partial_fit", "score_samples", "score", "transform"]

# (id, X, error type, pattern naming the value, pattern of the fix)
DATA_CASES = [
    ("nan", with_value(np.nan), ValueError, r"NaN at row 2, column 1", r"impute"),
    ("+inf", with_value(np.inf), ValueError, r"infinity \(inf\) at row 2, column 1",
     r"replace infinite values"),
    ("-inf", with_value(-np.inf), ValueError, r"infinity \(-inf\) at row 2, column 1",
     r"replace infinite values"),
    ("empty", np.empty((0, N_FEATURES)), ValueError, r"0 sample\(s\) \(shape=\(0, 4\)\)",
     r"at least one row"),
    ("empty list", [], ValueError, r"got 1D array|0 sample", r"[Rr]eshape|at least one row"),
    ("1-D", X_TRAIN[0], ValueError, r"got 1D array instead:\narray=\[", r"reshape\(1, -1\)"),
    ("scalar", 1.0, ValueError, r"got scalar array", r"reshape\(1, -1\)"),
    ("3-D", X_TRAIN.reshape(30, 2, 2), ValueError, r"dim 3", r"Reshape X to two dimensions"),
    ("zero features", np.empty((5, 0)), ValueError, r"0 feature\(s\) \(shape=\(5, 0\)\)",
     r"at least one feature column"),
    ("string", with_value("yes"), ValueError, r"could not convert string to float: .*yes",
     r"OneHotEncoder"),
    ("object", with_value({"a": 1}), TypeError, r"not 'dict'", r"OneHotEncoder"),
    ("complex", X_TRAIN + 1j, ValueError, r"Complex data not supported\n\[\[1\.\+1\.j",
     r"np\.abs\(X\) or X\.real"),
    ("sparse nan", sp.csr_matrix(with_value(np.nan)), ValueError, r"NaN at row 2, column 1",
     r"impute"),
    ("sparse inf", sp.csc_matrix(with_value(np.inf)), ValueError,
     r"infinity \(inf\) at row 2, column 1", r"replace infinite values"),
]


@pytest.mark.parametrize("method", ALL_METHODS)
@pytest.mark.parametrize(
    "X, error, value_pattern, fix_pattern",
    [pytest.param(*case[1:], id=case[0]) for case in DATA_CASES],
)
def test_invalid_data(fitted, method, X, error, value_pattern, fix_pattern):
    with pytest.raises(error) as raised:
        call_method(method, fitted, X)

    message = str(raised.value)
    assert re.search(value_pattern, message), message
    assert re.search(fix_pattern, message), message


@pytest.mark.parametrize("method", ALL_METHODS)
@pytest.mark.parametrize("value", [1.5, -0.25])
def test_values_outside_unit_interval(method, value):
    model = HelmholtzMachine(binarize=None, **PARAMS).fit(X_TRAIN)
    params = {**PARAMS, "binarize": None}
    X = with_value(value, row=3, column=2)

    with pytest.raises(ValueError) as raised:
        if method == "fit":
            HelmholtzMachine(**params).fit(X)
        elif method == "first partial_fit":
            HelmholtzMachine(**params).partial_fit(X)
        else:
            call_method(method, model, X)

    message = str(raised.value)
    assert f"X contains {value} at row 3, column 2" in message
    assert "binarize=0.5" in message
    assert "scale X into [0, 1]" in message


@pytest.mark.parametrize("method", FITTED_METHODS)
def test_feature_count_differs(fitted, method):
    with pytest.raises(ValueError) as raised:
        call_method(method, fitted, X_TRAIN[:, :3])

    message = str(raised.value)
    assert "X has 3 features, but HelmholtzMachine is expecting 4 features" in message
    assert "Pass X with the 4 features seen in fit" in message


@pytest.mark.parametrize("method", FITTED_METHODS)
@pytest.mark.parametrize(
    "columns, value_pattern",
    [
        (["a", "b", "z", "d"], r"unseen at fit time:\n- z\n"),
        (["b", "a", "c", "d"], r"must be in the same order"),
    ],
    ids=["renamed", "reordered"],
)
def test_frame_columns_differ(fitted_on_frame, method, columns, value_pattern):
    frame = pd.DataFrame(X_TRAIN, columns=columns)

    with pytest.raises(ValueError) as raised:
        call_method(method, fitted_on_frame, frame)

    message = str(raised.value)
    assert re.search(value_pattern, message), message
    assert "as in fit: ['a', 'b', 'c', 'd']" in message


@pytest.mark.parametrize("method", ALL_METHODS)
def test_single_row_works(fitted, method):
    result = call_method(method, fitted, X_TRAIN[:1])

    if method == "score_samples":
        assert result.shape == (1,)
        assert np.isfinite(result).all()
    elif method == "transform":
        assert result.shape == (1, 3)
    elif method == "score":
        assert np.isfinite(result)
    else:
        assert result.n_features_in_ == N_FEATURES


def test_single_feature_works():
    X = X_TRAIN[:, :1]
    model = HelmholtzMachine(**PARAMS).fit(X)
    model.partial_fit(X)

    scores = model.score_samples(np.array([[0.0], [1.0]]))

    assert model.transform(X).shape == (30, 3)
    assert model.sample(5, random_state=0).shape == (5, 1)
    assert np.exp(scores).sum() == pytest.approx(1.0, abs=1e-12)


# (id, parameters, pattern naming the value, pattern of the fix)
PARAMETER_CASES = [
    ("zero layer size", {"hidden_layer_sizes": 0}, r"'hidden_layer_sizes'.*Got 0 instead",
     r"an int in the range \[1, inf\)"),
    ("negative layer size", {"hidden_layer_sizes": -3}, r"Got -3 instead", r"\[1, inf\)"),
    ("empty layers", {"hidden_layer_sizes": ()}, r"at least one hidden layer, got \(\)",
     r"hidden_layer_sizes=\(10,\)"),
    ("zero in layers", {"hidden_layer_sizes": (3, 0)}, r"got \(3, 0\), whose entry 1 is 0",
     r"hidden_layer_sizes=\(10,\)"),
    ("negative in layers", {"hidden_layer_sizes": [3, -2]}, r"entry 1 is -2",
     r"hidden_layer_sizes=\(10,\)"),
    ("float layer size", {"hidden_layer_sizes": (2.5,)}, r"entry 0 is 2\.5",
     r"positive integers"),
    ("nested layers", {"hidden_layer_sizes": ((3, 2),)}, r"got \(\(3, 2\),\)",
     r"flat sequence of ints"),
    ("negative rate", {"learning_rate": -0.1}, r"'learning_rate'.*Got -0\.1 instead",
     r"range \(0\.0, inf\)"),
    ("zero rate", {"learning_rate": 0}, r"Got 0 instead", r"range \(0\.0, inf\)"),
    ("nan rate", {"learning_rate": np.nan}, r"Got nan instead", r"range \(0\.0, inf\)"),
    ("too many rates", {"learning_rate": (0.1, 0.2)}, r"has 2 entries.* 1 layer of",
     r"one rate per hidden layer"),
    ("too few rates", {"hidden_layer_sizes": (3, 2), "learning_rate": (0.1,)},
     r"has 1 entry.* 2 layers", r"one rate per hidden layer"),
    ("negative rate in tuple", {"hidden_layer_sizes": (3, 2), "learning_rate": (0.1, -0.2)},
     r"which contains -0\.2", r"learning_rate=0\.1"),
    ("infinite rate in tuple", {"hidden_layer_sizes": (3, 2), "learning_rate": (0.1, np.inf)},
     r"which contains inf", r"learning_rate=0\.1"),
    ("zero batch size", {"batch_size": 0}, r"'batch_size'.*Got 0 instead",
     r"an int in the range \[1, inf\)"),
    ("negative batch size", {"batch_size": -5}, r"Got -5 instead", r"\[1, inf\)"),
    ("zero max_iter", {"max_iter": 0}, r"'max_iter'.*Got 0 instead", r"\[1, inf\)"),
    ("nan binarize", {"binarize": np.nan}, r"'binarize'.*Got nan instead",
     r"float in the range \(-inf, inf\) or None"),
    ("unknown init", {"init": "ones"}, r"'init'.*Got 'ones' instead", r"among \{"),
]


@pytest.mark.parametrize("method", ["fit", "partial_fit"])
@pytest.mark.parametrize(
    "params, value_pattern, fix_pattern",
    [pytest.param(*case[1:], id=case[0]) for case in PARAMETER_CASES],
)
def test_invalid_parameters(method, params, value_pattern, fix_pattern):
    model = HelmholtzMachine(**{**PARAMS, **params})

    with pytest.raises(ValueError) as raised:
        getattr(model, method)(X_TRAIN)

    message = str(raised.value)
    assert re.search(value_pattern, message), message
    assert re.search(fix_pattern, message), message


@pytest.mark.parametrize("method", ["score_samples", "score", "transform"])
@pytest.mark.parametrize("binarize", [np.nan, np.inf, "0.5"])
def test_binarize_set_after_fit(fitted, method, binarize):
    model = copy.deepcopy(fitted).set_params(binarize=binarize)

    with pytest.raises(ValueError) as raised:
        getattr(model, method)(X_TRAIN)

    message = str(raised.value)
    assert f"binarize must be a finite float or None, got {binarize!r}" in message
    assert "Set binarize=0.5" in message


@pytest.mark.parametrize(
    "n_samples, error, value_pattern",
    [
        (0, ValueError, r"got 0\."),
        (-3, ValueError, r"got -3\."),
        (1.5, TypeError, r"got 1\.5 of type float"),
        (2.0, TypeError, r"got 2\.0 of type float"),
        ("3", TypeError, r"got '3' of type str"),
        (None, TypeError, r"got None of type NoneType"),
        (True, TypeError, r"got True of type bool"),
    ],
)
def test_sample_invalid_n_samples(fitted, n_samples, error, value_pattern):
    with pytest.raises(error) as raised:
        fitted.sample(n_samples)

    message = str(raised.value)
    assert re.search(value_pattern, message), message
    assert re.search(r"Pass the number of rows to draw", message), message


def test_sample_numpy_integer(fitted):
    samples = fitted.sample(np.int64(3), random_state=0)

    assert samples.shape == (3, N_FEATURES)


@pytest.mark.parametrize("method", ["score_samples", "score", "transform", "sample"])
def test_unfitted_raises(method):
    argument = 2 if method == "sample" else X_TRAIN

    with pytest.raises(NotFittedError, match="not fitted yet"):
        getattr(HelmholtzMachine(**PARAMS), method)(argument)


def read_only(array):
    array = np.array(array, order="C")
    array.setflags(write=False)
    return array


@pytest.mark.parametrize(
    "params",
    [
        {"binarize": None, "shuffle": False},
        {"binarize": 0.5, "shuffle": True, "batch_size": 1},
        {"binarize": None, "shuffle": True, "batch_size": 7},
    ],
    ids=["views of X", "online", "minibatches"],
)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_read_only_input_unchanged(params, dtype):
    X = read_only(X_TRAIN.astype(dtype))
    expected = X.copy()
    model = HelmholtzMachine(**{**PARAMS, **params})

    model.fit(X)
    model.partial_fit(X)
    model.set_params(warm_start=True).fit(X)
    scores = model.score_samples(X)
    features = model.transform(X)
    model.score(X)

    assert_array_equal(X, expected)
    assert scores.dtype == dtype
    assert features.dtype == dtype
    assert np.isfinite(scores).all()


def test_frame_input_unchanged():
    frame = pd.DataFrame(X_TRAIN * 0.9 + 0.05, columns=COLUMNS)
    expected = frame.copy()
    model = HelmholtzMachine(binarize=None, shuffle=False, **PARAMS)

    model.fit(frame)
    model.partial_fit(frame)
    model.score_samples(frame)
    model.transform(frame)

    pd.testing.assert_frame_equal(frame, expected)


@pytest.mark.parametrize(
    "X, binarize, bit",
    [
        (X_TRAIN * 0.4, 0.5, 0),
        (X_TRAIN * 255, -1.0, 1),
        (sp.csr_matrix(X_TRAIN * 0.3), 0.5, 0),
    ],
)
@pytest.mark.parametrize("method", ["fit", "partial_fit"])
def test_constant_bits_warning(X, binarize, bit, method):
    model = HelmholtzMachine(binarize=binarize, **PARAMS)

    expected = rf"binarize={binarize} turns every value of X into {bit}"
    with pytest.warns(UserWarning, match=expected) as record:
        getattr(model, method)(X)

    message = str(record[0].message)
    largest = float(X.max())
    assert f"ranges from 0.0 to {largest!r}" in message
    assert f"at or above 0.0 and below {largest!r}" in message
    assert record[0].filename == __file__


def test_warning_in_pipeline_points_at_caller():
    pipeline = make_pipeline(HelmholtzMachine(binarize=0.5, **PARAMS))

    with pytest.warns(UserWarning, match="turns every value of X into 0") as record:
        pipeline.fit(X_TRAIN * 0.4)

    assert record[0].filename == __file__


@pytest.mark.parametrize("X", [np.zeros((5, N_FEATURES)), X_TRAIN])
def test_no_warning_without_collapse(X):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        HelmholtzMachine(**PARAMS).fit(X)

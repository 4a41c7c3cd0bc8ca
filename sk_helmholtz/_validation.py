"""Checks of parameters and data that scikit-learn's constraints cannot express."""

import os
import sys
import warnings
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
import sklearn
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_array, validate_data

from ._sparse import first_non_finite, first_value_outside

# Largest size of the four parameter lists together (generative and
# recognition weights and intercepts), checked before they are allocated.
# Each training step also allocates gradients of the same size.
MAX_PARAMETER_BYTES = 2**30

# Key of the package version in a pickled estimator's state.
PICKLE_VERSION_KEY = "_sk_helmholtz_version"

# Number of feature names that an error message lists before it abbreviates.
MAX_SHOWN_NAMES = 10

# Largest layer width whose state count is also written out in decimal in
# error messages; 2**64 has 20 digits.
MAX_PRINTED_STATE_BITS = 64


def validate_X(estimator, X, *, reset):
    """Validate X with scikit-learn's ``validate_data``; add the fix to its errors.

    Returns X as a 2-D float64 or float32 array, or as a CSR matrix or array
    of that dtype when X is sparse in any scipy format. The value checks and their
    order are scikit-learn's, so its estimator checks still apply. On
    failure, X is inspected once more to name the offending value and add
    the fix to the message.
    """
    try:
        return validate_data(
            estimator, X, accept_sparse="csr", dtype=[np.float64, np.float32], reset=reset
        )
    except (TypeError, ValueError) as error:
        if type(error) not in (TypeError, ValueError):
            raise
        message = _explain_invalid_X(estimator, X, reset, str(error))
        if message is None:
            raise
        raise type(error)(message) from error


def _explain_invalid_X(estimator, X, reset, message):
    """Return ``message`` with the fix for the invalid X added, or None.

    The steps follow the order of scikit-learn's checks: feature names,
    conversion to numbers, dimensions, finite values, empty shapes, and the
    feature count seen in fit.
    """
    name = type(estimator).__name__
    fitted_names = getattr(estimator, "feature_names_in_", None)
    columns = getattr(X, "columns", None)
    if not reset and fitted_names is not None and columns is not None:
        if list(map(str, columns)) != list(fitted_names):
            listed_names = ", ".join(map(repr, fitted_names[:MAX_SHOWN_NAMES]))
            if len(fitted_names) > MAX_SHOWN_NAMES:
                listed_names += f", ... ({len(fitted_names)} in all)"
            return (
                f"{message.rstrip()}\nRename and order the columns of X as in "
                f"fit: [{listed_names}], for example with X[model.feature_names_in_] "
                "once the names match."
            )

    try:
        values = check_array(
            X,
            accept_sparse="csr",
            dtype=[np.float64, np.float32],
            ensure_all_finite=False,
            ensure_2d=False,
            allow_nd=True,
            ensure_min_samples=0,
            ensure_min_features=0,
        )
    except (TypeError, ValueError):
        if np.iscomplexobj(X):
            return (
                f"{message.rstrip()}\n{name} needs real numbers. Pass the real "
                "quantity to model, e.g. np.abs(X) or X.real."
            )
        return (
            f"{message.rstrip()}\n{name} needs a numeric array of shape "
            "(n_samples, n_features). Encode categories as 0/1 columns "
            "(e.g. with sklearn.preprocessing.OneHotEncoder) and impute "
            "missing entries before calling it."
        )

    if values.ndim < 2:
        return None  # scikit-learn's message already shows the reshape.
    if values.ndim > 2:
        return (
            f"{message.rstrip()} Reshape X to two dimensions, (n_samples, "
            "n_features), e.g. X.reshape(len(X), -1)."
        )

    not_finite = first_non_finite(values)
    if not_finite is not None:
        row, column, value = not_finite
        if np.isnan(value):
            return (
                f"Input X contains NaN at row {row}, column {column}. {name} "
                "has no encoding for missing values: impute them (e.g. with "
                "sklearn.impute.SimpleImputer) or drop those rows."
            )
        return (
            f"Input X contains infinity ({value}) at row {row}, column "
            f"{column}. {name} needs finite values: replace infinite values, "
            "e.g. with np.clip(X, 0, 1), or drop those rows."
        )

    n_rows, n_columns = values.shape
    if n_rows == 0:
        return f"{message} Pass X with at least one row."
    if n_columns == 0:
        return f"{message} Pass X with at least one feature column."
    n_features_in = getattr(estimator, "n_features_in_", None)
    if not reset and n_features_in is not None and n_columns != n_features_in:
        return (
            f"{message} Pass X with the {n_features_in} features seen in fit, "
            "or fit a new model on this X."
        )
    return None


def check_binarize(binarize):
    """Raise ValueError unless ``binarize`` is None or a finite real threshold."""
    if binarize is None:
        return
    valid = isinstance(binarize, Real) and not isinstance(binarize, bool)
    if not valid or not np.isfinite(binarize):
        raise ValueError(
            f"binarize must be a finite float or None, got {binarize!r}. Set "
            "binarize=0.5 to turn X into bits at one half, or binarize=None "
            "to use values in [0, 1] as given."
        )


def check_hidden_layer_sizes(hidden_layer_sizes):
    """Return ``hidden_layer_sizes`` as a tuple of positive ints, or raise."""
    if isinstance(hidden_layer_sizes, Integral) and not isinstance(hidden_layer_sizes, bool):
        sizes = (hidden_layer_sizes,)
    else:
        array = np.asarray(hidden_layer_sizes, dtype=object)
        if array.ndim > 1:
            raise ValueError(
                "hidden_layer_sizes must be an int or a flat sequence of ints "
                f"(units per layer, bottom-up), got {hidden_layer_sizes!r}. "
                "Pass e.g. hidden_layer_sizes=(10, 5)."
            )
        sizes = tuple(np.ravel(array))
    if len(sizes) == 0:
        raise ValueError(
            "hidden_layer_sizes must list at least one hidden layer, got "
            f"{hidden_layer_sizes!r}. Pass e.g. hidden_layer_sizes=(10,)."
        )
    for index, size in enumerate(sizes):
        if isinstance(size, bool) or not isinstance(size, Integral) or size < 1:
            raise ValueError(
                "hidden_layer_sizes must contain positive integers (units per "
                f"layer, bottom-up), got {hidden_layer_sizes!r}, whose entry "
                f"{index} is {size!r}. Pass e.g. hidden_layer_sizes=(10,)."
            )
    return tuple(int(size) for size in sizes)


def check_same_hidden_layer_sizes(hidden_layer_sizes, fitted_sizes):
    """Raise ValueError when training would continue a network of another shape.

    ``fitted_sizes`` are the hidden layer widths of the fitted parameters.
    """
    sizes = check_hidden_layer_sizes(hidden_layer_sizes)
    if sizes != tuple(fitted_sizes):
        raise ValueError(
            f"hidden_layer_sizes={sizes!r} differs from the fitted network, "
            f"whose hidden layers have {tuple(fitted_sizes)!r} units, and "
            "training would continue the fitted network. Call fit with "
            "warm_start=False to train a new network of the new shape, or set "
            f"hidden_layer_sizes={tuple(fitted_sizes)!r} to continue."
        )


def _plural(count, singular, plural):
    return f"{count} {singular if count == 1 else plural}"


def check_learning_rates(learning_rate, n_connection_layers):
    """Return one positive finite learning rate per connection layer, or raise."""
    if isinstance(learning_rate, Real) and not isinstance(learning_rate, bool):
        rates = (learning_rate,) * n_connection_layers
    else:
        rates = tuple(np.ravel(np.asarray(learning_rate, dtype=object)))
        if len(rates) != n_connection_layers:
            raise ValueError(
                f"learning_rate has {_plural(len(rates), 'entry', 'entries')}, but "
                f"the network has {_plural(n_connection_layers, 'layer', 'layers')} "
                "of connections (one per hidden layer). Pass one float, or one "
                "rate per hidden layer, bottom-up."
            )
    for rate in rates:
        valid = isinstance(rate, Real) and not isinstance(rate, bool)
        if not valid or not np.isfinite(rate) or rate <= 0:
            raise ValueError(
                "learning_rate must be a positive finite float or a tuple of "
                f"them, got {learning_rate!r}, which contains {rate!r}. Pass "
                "e.g. learning_rate=0.1."
            )
    return tuple(float(rate) for rate in rates)


def _format_bytes(n_bytes):
    if n_bytes.bit_length() > 100:
        return f"about 2**{n_bytes.bit_length() - 1} bytes"
    return f"{n_bytes / 2**30:.3g} GiB"


def check_parameter_memory(n_features, hidden_layer_sizes, dtype):
    """Raise ValueError when the parameters would exceed ``MAX_PARAMETER_BYTES``.

    Call it before allocating them: the estimate is integer arithmetic on
    the layer widths.
    """
    n_units = [int(n_features), *hidden_layer_sizes]
    n_weights = sum(lower * upper for lower, upper in zip(n_units[:-1], n_units[1:]))
    n_parameters = 2 * n_weights + sum(n_units) + sum(hidden_layer_sizes)
    n_bytes = n_parameters * np.dtype(dtype).itemsize
    if n_bytes > MAX_PARAMETER_BYTES:
        raise ValueError(
            f"hidden_layer_sizes={tuple(hidden_layer_sizes)!r} on {n_features} "
            f"features needs {n_parameters} parameters ({_format_bytes(n_bytes)} "
            f"as {np.dtype(dtype).name}), more than the limit of "
            f"{_format_bytes(MAX_PARAMETER_BYTES)} for the parameters. Use "
            "fewer hidden units, or fewer features (e.g. select them with "
            "sklearn.feature_selection)."
        )


def check_exact_widths(hidden_layer_sizes, max_units):
    """Raise ValueError when a hidden layer has more than ``max_units`` units.

    Exact scoring enumerates the ``2**n`` states of each hidden layer. The
    message writes the state count in decimal only up to 2**64, because
    Python refuses to convert integers of more than 4300 digits to text.
    """
    for index, n_units in enumerate(hidden_layer_sizes, start=1):
        if n_units > max_units:
            states = f"2**{n_units}"
            if n_units <= MAX_PRINTED_STATE_BITS:
                states = f"{states} = {2**n_units}"
            raise ValueError(
                f"Exact log-likelihood needs all {states} states of hidden layer "
                f"{index} ({n_units} units), but at most 2**{max_units} states "
                f"per layer can be enumerated. Use hidden layers of at most "
                f"{max_units} units to score exactly."
            )


def log_probability_bound(coefs, intercepts):
    """Return a float64 bound on |log p| of one complete state of a network.

    For inputs in [0, 1] the logit of unit j lies within |b_j| + sum_k |W_kj|,
    and one unit's log-probability h * a - softplus(a) within 2 |a| + log 2.
    The bound adds these over every unit; it is inf or NaN when a parameter
    is. ``intercepts`` may have one more entry than ``coefs`` (the top prior).
    """
    total = 0.0
    with np.errstate(over="ignore", invalid="ignore"):
        for index, intercept in enumerate(intercepts):
            reach = np.abs(intercept).astype(np.float64)
            if index < len(coefs):
                reach += np.abs(coefs[index]).sum(axis=0, dtype=np.float64)
            total += float(np.sum(2 * reach + np.log(2)))
    return total


def log_probability_limit(dtype):
    """Return the largest safe ``log_probability_bound`` for arithmetic in dtype.

    It is a quarter of the largest finite value: a log-sum-exp subtracts two
    such sums, and a factor of two more leaves room for rounding.
    """
    return float(np.finfo(dtype).max) / 4


def check_log_probability_range(coefs, intercepts, dtype, network):
    """Raise ValueError when this network's log-probabilities could overflow dtype."""
    bound = log_probability_bound(coefs, intercepts)
    limit = log_probability_limit(dtype)
    if bound <= limit:
        return
    dtype_name = np.dtype(dtype).name
    if np.dtype(dtype).itemsize < 8:
        fix = "Pass X as float64, or refit with a smaller learning_rate."
    else:
        fix = "Refit with a smaller learning_rate."
    raise ValueError(
        f"The {network} parameters are too large for {dtype_name} arithmetic: "
        f"sums of log-probabilities could reach {bound:.3g} nats, above the "
        f"limit of {limit:.3g} for {dtype_name}, so results would overflow to "
        f"inf or NaN. {fix}"
    )


def check_unit_interval(X):
    """Raise ValueError naming the first value of dense or sparse X outside [0, 1].

    The minimum and maximum are checked first, so valid X costs no
    temporary array.
    """
    if X.min() >= 0 and X.max() <= 1:
        return
    row, column, value = first_value_outside(X, 0, 1)
    raise ValueError(
        f"X contains {value} at row {row}, column {column}, but "
        "with binarize=None every value must lie in [0, 1]. Set binarize to "
        "a threshold (e.g. binarize=0.5) to turn X into bits, or scale X "
        "into [0, 1]."
    )


def _package_dir(module_file):
    """Return the folder of a module file, ending with a path separator."""
    return os.path.dirname(os.path.abspath(module_file)) + os.sep


# Frames in these folders are skipped when a warning looks for its caller,
# so a fit inside a scikit-learn Pipeline or search points at the user's line.
_SKIPPED_DIRS = (_package_dir(__file__), _package_dir(sklearn.__file__))


def caller_stacklevel():
    """Return the ``stacklevel`` that points a warning at the first caller outside
    this package and scikit-learn.

    Call it in the function that calls ``warnings.warn``.
    """
    frame = sys._getframe(1)
    level = 1
    while frame is not None and frame.f_code.co_filename.startswith(_SKIPPED_DIRS):
        frame = frame.f_back
        level += 1
    return level


def warn_constant_bits(X, bits, binarize):
    """Warn when thresholding X at ``binarize`` made all its distinct values the same bit.

    Constant X itself raises no warning, because no threshold changes it.
    """
    n_ones = bits.nnz if sp.issparse(bits) else np.count_nonzero(bits)
    if 0 < n_ones < bits.shape[0] * bits.shape[1]:
        return
    smallest, largest = X.min(), X.max()
    if smallest == largest:
        return
    bit = int(n_ones > 0)
    smallest, largest = float(smallest), float(largest)
    warnings.warn(
        f"binarize={binarize!r} turns every value of X into {bit}, although X "
        f"ranges from {smallest!r} to {largest!r}, so the machine can only learn "
        f"to generate {bit}s. Pass a binarize threshold at or above {smallest!r} "
        f"and below {largest!r}, or binarize=None for X already in [0, 1].",
        UserWarning,
        stacklevel=caller_stacklevel(),
    )


def check_n_samples(n_samples):
    """Return ``n_samples`` as a positive int, or raise."""
    if isinstance(n_samples, bool) or not isinstance(n_samples, Integral):
        raise TypeError(
            f"n_samples must be a positive integer, got {n_samples!r} of type "
            f"{type(n_samples).__name__}. Pass the number of rows to draw as "
            "an int, e.g. n_samples=10."
        )
    if n_samples < 1:
        raise ValueError(
            f"n_samples must be a positive integer, got {n_samples}. Pass the "
            "number of rows to draw, at least 1."
        )
    return int(n_samples)


def as_generator(random_state):
    """Return a numpy Generator for an int, RandomState, Generator or None."""
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, Integral) and not isinstance(random_state, bool):
        return np.random.default_rng(int(random_state))
    legacy = check_random_state(random_state)
    return np.random.default_rng(legacy.randint(np.iinfo(np.int32).max))


def installed_version():
    """Return the version of the installed sk_helmholtz package."""
    from . import __version__

    return __version__


def _minor_version(version):
    return tuple(str(version).split(".")[:2])


def check_pickled_version(pickled_version, class_name):
    """Raise ValueError unless a pickle comes from this major.minor version.

    Patch releases keep the layout of the fitted attributes. Other minor
    versions may change it, and loading their pickles could then give wrong
    results instead of an error.
    """
    current = installed_version()
    if pickled_version is None:
        source = "a pickle that does not record its sk_helmholtz version"
    elif _minor_version(pickled_version) == _minor_version(current):
        return
    else:
        source = f"a pickle made with sk_helmholtz {pickled_version}"
    minor_series = ".".join(_minor_version(current)) + ".x"
    raise ValueError(
        f"Cannot load {class_name} from {source}: sk_helmholtz {current} is "
        f"installed, and pickles load only within one minor version "
        f"({minor_series}) because the fitted attributes may change between "
        "minor versions. Refit the model with this version, or load it with "
        "the version that saved it."
    )

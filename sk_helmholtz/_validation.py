"""Checks of parameters and data that scikit-learn's constraints cannot express."""

from numbers import Integral, Real

import numpy as np
from sklearn.utils import check_random_state


def check_hidden_layer_sizes(hidden_layer_sizes):
    """Return ``hidden_layer_sizes`` as a tuple of positive ints, or raise."""
    if isinstance(hidden_layer_sizes, Integral) and not isinstance(hidden_layer_sizes, bool):
        sizes = (hidden_layer_sizes,)
    else:
        sizes = tuple(np.ravel(np.asarray(hidden_layer_sizes, dtype=object)))
    if len(sizes) == 0:
        raise ValueError(
            "hidden_layer_sizes must list at least one hidden layer, got "
            f"{hidden_layer_sizes!r}. Pass e.g. hidden_layer_sizes=(10,)."
        )
    for size in sizes:
        if isinstance(size, bool) or not isinstance(size, Integral) or size < 1:
            raise ValueError(
                "hidden_layer_sizes must contain positive integers (units per "
                f"layer, bottom-up), got {hidden_layer_sizes!r}."
            )
    return tuple(int(size) for size in sizes)


def check_learning_rates(learning_rate, n_connection_layers):
    """Return one positive finite learning rate per connection layer, or raise."""
    if isinstance(learning_rate, Real) and not isinstance(learning_rate, bool):
        rates = (learning_rate,) * n_connection_layers
    else:
        rates = tuple(np.ravel(np.asarray(learning_rate, dtype=object)))
        if len(rates) != n_connection_layers:
            raise ValueError(
                f"learning_rate has {len(rates)} entries, but the network has "
                f"{n_connection_layers} layers of connections (one per hidden "
                "layer). Pass one float, or one rate per hidden layer, bottom-up."
            )
    for rate in rates:
        valid = isinstance(rate, Real) and not isinstance(rate, bool)
        if not valid or not np.isfinite(rate) or rate <= 0:
            raise ValueError(
                "learning_rate must be a positive finite float or a tuple of "
                f"them, got {learning_rate!r}."
            )
    return tuple(float(rate) for rate in rates)


def check_unit_interval(X):
    """Raise ValueError naming the first value of X outside [0, 1]."""
    outside = (X < 0) | (X > 1)
    if outside.any():
        row, column = np.argwhere(outside)[0]
        raise ValueError(
            f"X contains {X[row, column]!r} at row {row}, column {column}, but "
            "with binarize=None every value must lie in [0, 1]. Set binarize to "
            "a threshold (e.g. binarize=0.5) to turn X into bits, or scale X "
            "into [0, 1]."
        )


def check_n_samples(n_samples):
    """Return ``n_samples`` as a positive int, or raise."""
    if isinstance(n_samples, bool) or not isinstance(n_samples, Integral):
        raise TypeError(
            f"n_samples must be a positive integer, got {n_samples!r} of type "
            f"{type(n_samples).__name__}."
        )
    if n_samples < 1:
        raise ValueError(f"n_samples must be a positive integer, got {n_samples}.")
    return int(n_samples)


def as_generator(random_state):
    """Return a numpy Generator for an int, RandomState, Generator or None."""
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, Integral) and not isinstance(random_state, bool):
        return np.random.default_rng(int(random_state))
    legacy = check_random_state(random_state)
    return np.random.default_rng(legacy.randint(np.iinfo(np.int32).max))

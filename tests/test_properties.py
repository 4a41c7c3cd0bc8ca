"""Property tests of the exact likelihood and of transform on generated networks.

hypothesis draws small networks (1-4 features, 1-3 hidden layers of 1-3
units) with normal weights of a drawn scale, and the rows to score. The
reference sums p_G(x, h) over every joint hidden state at once with
itertools.product and shares no code with the package.
"""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numpy.testing import assert_allclose
from scipy.special import log_expit, logsumexp

from sk_helmholtz import HelmholtzMachine

# Without an example database, every run draws fresh examples.
PROPERTY_SETTINGS = settings(max_examples=100, deadline=None, database=None)

# After a failure, hypothesis writes a patch with the failing example. The
# libcst code it imports for that warns about mypy_extensions, and pytest
# would turn that warning into an internal error that hides the failure.
pytestmark = pytest.mark.filterwarnings(
    "ignore:mypy_extensions.TypedDict is deprecated:DeprecationWarning"
)
PARAMETERS = (
    "generative_coefs_",
    "generative_intercepts_",
    "recognition_coefs_",
    "recognition_intercepts_",
)


def all_binary_vectors(n_units):
    return np.array(list(itertools.product((0.0, 1.0), repeat=n_units)))


def brute_force_log_marginal(gen_coefs, gen_intercepts, X):
    """Return log p_G(x) per row by summing p_G(x, h) over all joint hidden states."""

    def log_bernoulli(h, logits):
        return np.sum(h * log_expit(logits) + (1.0 - h) * log_expit(-logits), axis=-1)

    sizes = [len(intercept) for intercept in gen_intercepts[1:]]
    terms = []
    for joint in all_binary_vectors(sum(sizes)):
        hidden = np.split(joint, np.cumsum(sizes)[:-1])
        log_prob = log_bernoulli(hidden[-1], gen_intercepts[-1])
        for layer in range(1, len(sizes)):
            logits = hidden[layer] @ gen_coefs[layer] + gen_intercepts[layer]
            log_prob += log_bernoulli(hidden[layer - 1], logits)
        data_logits = hidden[0] @ gen_coefs[0] + gen_intercepts[0]
        terms.append(log_prob + log_bernoulli(X, data_logits))
    return logsumexp(np.array(terms), axis=0)


@st.composite
def machines(draw):
    """Draw a fitted machine whose parameters are replaced by random ones."""
    n_features = draw(st.integers(1, 4))
    hidden_layer_sizes = tuple(draw(st.lists(st.integers(1, 3), min_size=1, max_size=3)))
    scale = draw(st.sampled_from([0.01, 0.5, 2.0, 8.0, 30.0]))
    seed = draw(st.integers(0, 2**32 - 1))

    rng = np.random.default_rng(seed)
    X = rng.integers(0, 2, size=(4, n_features)).astype(np.float64)
    model = HelmholtzMachine(
        hidden_layer_sizes=hidden_layer_sizes, max_iter=1, random_state=0
    ).fit(X)
    for name in PARAMETERS:
        shapes = [param.shape for param in getattr(model, name)]
        setattr(model, name, [scale * rng.standard_normal(shape) for shape in shapes])
    return model


@st.composite
def machines_and_rows(draw):
    model = draw(machines())
    rows = draw(
        arrays(
            np.float64,
            (draw(st.integers(1, 40)), model.n_features_in_),
            elements=st.sampled_from([0.0, 1.0]),
        )
    )
    return model, rows


@PROPERTY_SETTINGS
@given(machines())
def test_likelihood_sums_to_one(model):
    scores = model.score_samples(all_binary_vectors(model.n_features_in_))

    assert np.isfinite(scores).all()
    # A log-probability near 0 may round to slightly above 0, e.g. 1e-15.
    assert scores.max() <= 1e-12
    assert abs(logsumexp(scores)) < 1e-10


@PROPERTY_SETTINGS
@given(machines())
def test_likelihood_matches_brute_force(model):
    X = all_binary_vectors(model.n_features_in_)

    expected = brute_force_log_marginal(
        model.generative_coefs_, model.generative_intercepts_, X
    )

    assert_allclose(model.score_samples(X), expected, rtol=1e-12, atol=1e-10)


@PROPERTY_SETTINGS
@given(machines_and_rows(), st.randoms(use_true_random=False))
def test_likelihood_row_order_invariant(model_and_rows, random):
    model, X = model_and_rows
    order = list(range(len(X)))
    random.shuffle(order)

    scores = model.score_samples(X)
    shuffled = model.score_samples(X[order])

    assert_allclose(shuffled, scores[order], rtol=0, atol=1e-12)


@PROPERTY_SETTINGS
@given(machines_and_rows())
def test_likelihood_one_row_at_a_time(model_and_rows):
    model, X = model_and_rows

    one_at_a_time = np.concatenate([model.score_samples(row[np.newaxis]) for row in X])

    assert_allclose(model.score_samples(X), one_at_a_time, rtol=0, atol=1e-12)


@PROPERTY_SETTINGS
@given(machines(), st.data())
def test_transform_in_unit_interval(model, data):
    X = data.draw(
        arrays(
            np.float64,
            (data.draw(st.integers(1, 30)), model.n_features_in_),
            elements=st.floats(0.0, 1.0),
        )
    )
    model.set_params(binarize=data.draw(st.sampled_from([None, 0.5, 0.0])))

    features = model.transform(X)

    assert features.shape == (len(X), sum(model.hidden_layer_sizes))
    assert np.isfinite(features).all()
    assert features.min() >= 0.0
    assert features.max() <= 1.0

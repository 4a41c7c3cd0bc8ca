"""The bars world, its KL divergence and the generated-pattern table."""

import itertools
import math

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from sk_helmholtz import HelmholtzMachine
from sk_helmholtz.bars import all_binary_vectors, bars_world, kl_divergence
from sk_helmholtz.demo import pattern_table, train_on_bars

N_TABLE_SAMPLES = 20_000
THRESHOLD = 0.001


def image_key(image):
    return tuple(int(bit) for bit in image)


def column_patterns(size):
    """Return the vertical-bar images of a size x size grid, built column by column."""
    images = set()
    for columns_on in itertools.product([0, 1], repeat=size):
        if 0 < sum(columns_on) < size:
            grid = [[columns_on[column] for column in range(size)] for _ in range(size)]
            images.add(tuple(itertools.chain.from_iterable(grid)))
    return images


def row_patterns(size):
    """Return the horizontal-bar images of a size x size grid, built row by row."""
    images = set()
    for rows_on in itertools.product([0, 1], repeat=size):
        if 0 < sum(rows_on) < size:
            grid = [[rows_on[row]] * size for row in range(size)]
            images.add(tuple(itertools.chain.from_iterable(grid)))
    return images


def fitted_bars_machine():
    """Return a 1-6-9 machine fitted for one epoch, so its parameters exist."""
    patterns, _ = bars_world()
    return HelmholtzMachine((6, 1), max_iter=1, random_state=0).fit(patterns)


@pytest.fixture(scope="module")
def trained_model():
    model, _ = train_on_bars(n_updates=3_000, report_every=3_000, random_state=0)
    return model


@pytest.fixture(scope="module")
def table(trained_model):
    return pattern_table(
        trained_model, n_samples=N_TABLE_SAMPLES, threshold=THRESHOLD, random_state=1
    )


def test_bars_world_3x3_counts_and_probabilities():
    patterns, probabilities = bars_world()

    assert patterns.shape == (12, 9)
    assert probabilities.shape == (12,)
    assert set(np.unique(patterns)) == {0.0, 1.0}
    assert_allclose(probabilities.sum(), 1.0)
    assert_allclose(probabilities[:6], 1 / 9)
    assert_allclose(probabilities[6:], 1 / 18)
    assert_allclose(probabilities[:6].sum(), 2 / 3)
    assert_allclose(probabilities[6:].sum(), 1 / 3)


def test_bars_world_3x3_patterns_distinct():
    patterns, _ = bars_world()

    assert len({image_key(image) for image in patterns}) == 12


@pytest.mark.parametrize("size", [2, 3, 4])
def test_bars_world_orientations(size):
    patterns, _ = bars_world(size)
    n_each = 2**size - 2
    vertical = patterns[:n_each].reshape(n_each, size, size)
    horizontal = patterns[n_each:].reshape(n_each, size, size)

    for grid in vertical:
        assert (grid == grid[0]).all(), f"vertical image is not column-constant:\n{grid}"
    for grid in horizontal:
        assert (grid == grid[:, :1]).all(), f"horizontal image is not row-constant:\n{grid}"
    assert {image_key(image) for image in patterns[:n_each]} == column_patterns(size)
    assert {image_key(image) for image in patterns[n_each:]} == row_patterns(size)


@pytest.mark.parametrize("size", [2, 3, 4])
def test_bars_world_excludes_blank_and_full(size):
    patterns, _ = bars_world(size)
    n_pixels = size * size

    assert patterns.shape[1] == n_pixels
    assert (patterns.sum(axis=1) > 0).all()
    assert (patterns.sum(axis=1) < n_pixels).all()


def test_bars_world_4x4():
    patterns, probabilities = bars_world(4)

    assert patterns.shape == (28, 16)
    assert len({image_key(image) for image in patterns}) == 28
    assert_allclose(probabilities.sum(), 1.0)
    assert_allclose(probabilities[:14], (2 / 3) / 14)
    assert_allclose(probabilities[14:], (1 / 3) / 14)


@pytest.mark.parametrize("size", [1, 0, -3, 2.5, 3.0, "3", True, None])
def test_bars_world_invalid_size(size):
    with pytest.raises(ValueError, match="size must be an integer of at least 2"):
        bars_world(size)


@pytest.mark.parametrize("n_features", [1, 4, 9])
def test_all_binary_vectors_counting_order(n_features):
    vectors = all_binary_vectors(n_features)

    assert vectors.shape == (2**n_features, n_features)
    for k, row in enumerate(vectors):
        expected = [float(bit) for bit in format(k, f"0{n_features}b")]
        assert_array_equal(row, expected, err_msg=f"row {k}")


def test_all_binary_vectors_rejects_too_many():
    with pytest.raises(ValueError, match="use at most 24 features"):
        all_binary_vectors(25)


def test_kl_of_uniform_machine():
    model = fitted_bars_machine()
    for params in (model.generative_coefs_, model.generative_intercepts_):
        for param in params:
            param[...] = 0.0
    patterns, probabilities = bars_world()
    # Six images of probability 1/9 and six of 1/18, written out here.
    entropy = 6 * (1 / 9) * math.log(9) + 6 * (1 / 18) * math.log(18)

    kl = kl_divergence(model, patterns, probabilities)

    assert kl == pytest.approx(math.log(512) - entropy, rel=1e-12)
    assert kl == pytest.approx(3.8101, abs=1e-4)


@pytest.mark.parametrize("seed", range(10))
@pytest.mark.parametrize("scale", [0.5, 3.0])
def test_kl_nonnegative_random_machines(seed, scale):
    model = fitted_bars_machine()
    rng = np.random.default_rng(seed)
    for params in (model.generative_coefs_, model.generative_intercepts_):
        for param in params:
            param[...] = scale * rng.standard_normal(param.shape)
    patterns, probabilities = bars_world()

    kl = kl_divergence(model, patterns, probabilities)

    assert np.isfinite(kl)
    assert kl >= 0


def test_kl_nonnegative_trained_machine(trained_model):
    patterns, probabilities = bars_world()

    kl = kl_divergence(trained_model, patterns, probabilities)

    assert 0 <= kl < math.log(512)


def test_pattern_table_sorted(table):
    world_flags = [world_p > 0 for _, world_p, _, _ in table]
    n_world = sum(world_flags)

    assert world_flags == [True] * n_world + [False] * (len(table) - n_world)
    world_model_p = [model_p for _, _, model_p, _ in table[:n_world]]
    other_model_p = [model_p for _, _, model_p, _ in table[n_world:]]
    assert world_model_p == sorted(world_model_p, reverse=True)
    assert other_model_p == sorted(other_model_p, reverse=True)


def test_pattern_table_rows_match_model(trained_model, table):
    patterns, probabilities = bars_world()
    world = {image_key(image): p for image, p in zip(patterns, probabilities)}
    every_image = all_binary_vectors(9)
    model_p = np.exp(trained_model.score_samples(every_image))
    expected_bits = {
        "".join(str(int(bit)) for bit in image)
        for image, p in zip(every_image, model_p)
        if p >= THRESHOLD
    }

    assert {bits for bits, _, _, _ in table} == expected_bits
    assert len(table) == len(expected_bits)
    for bits, world_p, row_model_p, _ in table:
        key = tuple(int(bit) for bit in bits)
        assert world_p == world.get(key, 0.0), bits
        assert row_model_p == pytest.approx(model_p[int(bits, 2)], rel=1e-12), bits
        assert row_model_p >= THRESHOLD, bits


def test_pattern_table_frequencies(table):
    for bits, _, model_p, frequency in table:
        standard_error = math.sqrt(model_p * (1 - model_p) / N_TABLE_SAMPLES)
        assert abs(frequency - model_p) <= 5 * standard_error, (
            f"{bits}: sampled {frequency:.4f}, model {model_p:.4f}, "
            f"standard error {standard_error:.4f}"
        )


def test_pattern_table_uniform_machine():
    model = fitted_bars_machine()
    for params in (model.generative_coefs_, model.generative_intercepts_):
        for param in params:
            param[...] = 0.0

    rows = pattern_table(model, n_samples=1_000, random_state=0)

    # Every image has probability 1/512 > 0.001, so all 512 are listed,
    # the 12 world images first.
    assert len(rows) == 512
    assert all(world_p > 0 for _, world_p, _, _ in rows[:12])
    assert all(world_p == 0 for _, world_p, _, _ in rows[12:])
    assert_allclose([model_p for _, _, model_p, _ in rows], 1 / 512)
    assert sum(frequency for _, _, _, frequency in rows) == pytest.approx(1.0)

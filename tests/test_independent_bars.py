"""The bars world with independent bars, against direct enumeration."""

import itertools

import numpy as np
import pytest

from sk_helmholtz.bars import independent_bars_world


def enumerated_world(size, p_vertical, p_on):
    """Return {image: probability} by drawing every orientation and bar subset."""
    world = {}
    for vertical, bits in itertools.product((True, False), itertools.product((0, 1), repeat=size)):
        grid = np.array([bits] * size)
        image = tuple((grid if vertical else grid.T).ravel())
        p_orientation = p_vertical if vertical else 1 - p_vertical
        p_bits = np.prod([p_on if bit else 1 - p_on for bit in bits])
        world[image] = world.get(image, 0.0) + p_orientation * p_bits
    return world


@pytest.mark.parametrize("size, p_vertical, p_on", [(4, 2 / 3, 0.2), (3, 0.5, 0.3)])
def test_matches_enumeration(size, p_vertical, p_on):
    patterns, probabilities = independent_bars_world(size, p_vertical, p_on)
    expected = enumerated_world(size, p_vertical, p_on)

    got = {tuple(pattern.astype(int)): p for pattern, p in zip(patterns, probabilities)}
    assert got.keys() == expected.keys()
    for image, probability in expected.items():
        assert got[image] == pytest.approx(probability, rel=1e-12)


def test_four_by_four_world():
    patterns, probabilities = independent_bars_world()

    assert len(patterns) == 30
    assert len({tuple(pattern) for pattern in patterns}) == 30
    assert probabilities.sum() == pytest.approx(1.0, rel=1e-12)
    blank = np.flatnonzero(patterns.sum(axis=1) == 0)
    assert probabilities[blank] == pytest.approx([0.8**4], rel=1e-12)
    entropy = -np.sum(probabilities * np.log(probabilities))
    assert entropy == pytest.approx(2.376, abs=5e-4)


@pytest.mark.parametrize("kwargs", [{"size": 1}, {"p_on": 0.0}, {"p_vertical": 1.0}])
def test_invalid_arguments(kwargs):
    with pytest.raises(ValueError):
        independent_bars_world(**kwargs)

"""Annealed input noise: training values flipped with a probability that falls to 0.

Early in training the bits are flipped at random, and the flip probability
falls linearly with the progress of training. It reaches 0 when three
quarters of the ``max_iter`` epochs are done, and the last quarter trains
on the data as given.
"""

import numpy as np

# Share of the max_iter epochs, at the end of training, that trains without noise.
CLEAN_SHARE = 0.25


def noise_level(input_noise, progress):
    """Return the flip probability once ``progress`` epochs / max_iter are done."""
    return input_noise * max(0.0, 1.0 - progress / (1.0 - CLEAN_SHARE))


def flip_values(rows, probability, rng):
    """Return ``rows`` with each value x replaced by 1 - x with ``probability``.

    With a probability of 0 the rows come back unchanged and no random
    numbers are drawn.
    """
    if probability <= 0:
        return rows
    flips = rng.random(rows.shape, dtype=rows.dtype) < probability
    return np.where(flips, 1 - rows, rows)

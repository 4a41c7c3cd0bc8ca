"""The bars world: a small binary distribution with exact model comparison.

In the 3x3 bars world each image is a 3x3 grid, flattened row by row into 9
bits. An image shows either vertical bars (some but not all of the three
columns on) or horizontal bars (some but not all of the three rows on).
Vertical images occur twice as often as horizontal ones, and within each
orientation the six images are equally likely: 1/9 for each vertical image
and 1/18 for each horizontal one. The other 500 of the 512 images never
occur.
"""

import itertools
from numbers import Integral

import numpy as np


def bars_world(size=3):
    """Return the images of the ``size`` x ``size`` bars world and their probabilities.

    Parameters
    ----------
    size : int, default=3
        Side of the square image.

    Returns
    -------
    patterns : ndarray of shape (n_patterns, size * size)
        Every image with nonzero probability, as 0/1 float rows; vertical
        images first.

    probabilities : ndarray of shape (n_patterns,)
        Probability of each image: vertical images share 2/3 and horizontal
        images 1/3, equally within each orientation.

    Examples
    --------
    >>> from sk_helmholtz.bars import bars_world
    >>> patterns, probabilities = bars_world()
    >>> patterns.shape
    (12, 9)
    >>> float(probabilities.sum())
    1.0
    """
    if isinstance(size, bool) or not isinstance(size, Integral) or size < 2:
        raise ValueError(f"size must be an integer of at least 2, got {size!r}.")
    size = int(size)
    subsets = [
        np.array(bits, dtype=float)
        for bits in itertools.product([0, 1], repeat=size)
        if 0 < sum(bits) < size
    ]
    vertical = [np.tile(bits, size) for bits in subsets]
    horizontal = [np.repeat(bits, size) for bits in subsets]
    patterns = np.array(vertical + horizontal)
    n_each = len(subsets)
    probabilities = np.concatenate(
        [np.full(n_each, (2 / 3) / n_each), np.full(n_each, (1 / 3) / n_each)]
    )
    return patterns, probabilities


def all_binary_vectors(n_features):
    """Return all ``2**n_features`` binary vectors as rows, in counting order.

    Row ``k`` holds the bits of the integer ``k``, most significant first.

    Parameters
    ----------
    n_features : int
        Length of each vector, from 1 to 24.

    Returns
    -------
    vectors : ndarray of shape (2**n_features, n_features)
        Every vector of 0.0 and 1.0 values.

    Raises
    ------
    ValueError
        If ``n_features`` is not an integer from 1 to 24.

    Examples
    --------
    >>> from sk_helmholtz.bars import all_binary_vectors
    >>> all_binary_vectors(2)
    array([[0., 0.],
           [0., 1.],
           [1., 0.],
           [1., 1.]])
    """
    if isinstance(n_features, bool) or not isinstance(n_features, Integral) or n_features < 1:
        raise ValueError(f"n_features must be a positive integer, got {n_features!r}.")
    if n_features > 24:
        raise ValueError(
            f"all_binary_vectors({n_features}) would list 2**{n_features} rows; "
            "use at most 24 features."
        )
    codes = np.arange(2**n_features)[:, np.newaxis]
    shifts = np.arange(n_features - 1, -1, -1)
    return ((codes >> shifts) & 1).astype(float)


def kl_divergence(model, patterns, probabilities):
    """Return KL[p, p_G] in nats from the world ``p`` to a fitted model.

    ``patterns`` and ``probabilities`` list every image the world can
    produce; the model's probabilities come from its exact
    ``score_samples``.

    Parameters
    ----------
    model : HelmholtzMachine
        A fitted machine over as many features as the images have pixels.

    patterns : ndarray of shape (n_patterns, n_features)
        Every image with nonzero world probability.

    probabilities : ndarray of shape (n_patterns,)
        The world probability of each image.

    Returns
    -------
    kl : float
        sum_x p(x) (log p(x) - log p_G(x)), in nats; 0 only when the
        machine reproduces the world exactly.

    Examples
    --------
    >>> import numpy as np
    >>> from sk_helmholtz import HelmholtzMachine
    >>> from sk_helmholtz.bars import bars_world, kl_divergence
    >>> patterns, probabilities = bars_world()
    >>> model = HelmholtzMachine((6, 1), init="zeros", max_iter=1).fit(patterns[:1])
    >>> for params in (model.generative_coefs_, model.generative_intercepts_):
    ...     for param in params:
    ...         param[...] = 0.0
    >>> round(kl_divergence(model, patterns, probabilities), 4)  # log 512 - H(p)
    3.8101
    """
    log_model = model.score_samples(patterns)
    return float(np.sum(probabilities * (np.log(probabilities) - log_model)))


def independent_bars_world(size=4, p_vertical=2 / 3, p_on=0.2):
    """Return the images of a bars world with independent bars and their probabilities.

    An orientation is chosen first, vertical with probability
    ``p_vertical``, and then each of the ``size`` bars of that orientation
    is on independently with probability ``p_on``. The blank image and the
    full image arise from both orientations and are listed once. With the
    defaults this is the 4x4 world of Hinton, Dayan, Frey and Neal (1995):
    30 distinct images with an entropy of 2.376 nats.

    Parameters
    ----------
    size : int, default=4
        Side of the square image.

    p_vertical : float, default=2/3
        Probability of the vertical orientation.

    p_on : float, default=0.2
        Probability that each bar of the chosen orientation is on.

    Returns
    -------
    patterns : ndarray of shape (n_patterns, size * size)
        Every image with nonzero probability, as 0/1 float rows.

    probabilities : ndarray of shape (n_patterns,)
        Probability of each image.

    Examples
    --------
    >>> import numpy as np
    >>> from sk_helmholtz.bars import independent_bars_world
    >>> patterns, probabilities = independent_bars_world()
    >>> patterns.shape
    (30, 16)
    >>> round(float(-np.sum(probabilities * np.log(probabilities))), 3)
    2.376
    """
    if isinstance(size, bool) or not isinstance(size, Integral) or size < 2:
        raise ValueError(f"size must be an integer of at least 2, got {size!r}.")
    for name, value in (("p_vertical", p_vertical), ("p_on", p_on)):
        if not 0 < value < 1:
            raise ValueError(f"{name} must lie strictly between 0 and 1, got {value!r}.")
    size = int(size)
    world = {}
    for bits in itertools.product([0, 1], repeat=size):
        n_on = sum(bits)
        p_bits = p_on**n_on * (1 - p_on) ** (size - n_on)
        for image, p_orientation in (
            (np.tile(bits, size), p_vertical),
            (np.repeat(bits, size), 1 - p_vertical),
        ):
            key = tuple(image)
            world[key] = world.get(key, 0.0) + p_orientation * p_bits
    patterns = np.array(list(world), dtype=float)
    probabilities = np.array(list(world.values()))
    return patterns, probabilities

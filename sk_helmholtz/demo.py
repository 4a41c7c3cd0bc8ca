"""The 3x3 bars demonstration, run by ``python -m sk_helmholtz``.

A 1-6-9 machine (one top unit, six hidden units, nine pixels) learns the
bars world by online wake-sleep: 60,000 updates of one image each, with
learning rate 0.15 for the connections to the pixels and 0.01 above, all
weights starting at zero. The demonstration prints the exact KL divergence
from the world to the machine as training goes, then every image the machine
generates with probability at least 0.001, beside its world probability and
its frequency among samples drawn from the machine.
"""

import argparse
import time

import numpy as np

from ._estimator import HelmholtzMachine
from .bars import all_binary_vectors, bars_world, kl_divergence

TUTORIAL_SETTINGS = dict(
    hidden_layer_sizes=(6, 1),
    learning_rate=(0.15, 0.01),
    batch_size=1,
    init="zeros",
    binarize=None,
    shuffle=False,
)


def train_on_bars(n_updates=60_000, report_every=5_000, random_state=0, report=None):
    """Train the 1-6-9 machine online on images drawn from the bars world.

    Parameters
    ----------
    n_updates : int, default=60_000
        Number of wake-sleep updates, one world image each.

    report_every : int, default=5_000
        Updates between two exact KL measurements.

    random_state : int, default=0
        Seed of the world's images and of the machine.

    report : callable or None, default=None
        Called as ``report(n_done, kl)`` after each measurement.

    Returns
    -------
    model : HelmholtzMachine
        The trained machine.

    kl_curve : list of (int, float)
        Pairs of updates done and exact KL[p, p_G] in nats.

    Examples
    --------
    >>> from sk_helmholtz.demo import train_on_bars
    >>> model, kl_curve = train_on_bars(n_updates=1000, report_every=500)
    >>> [n_done for n_done, kl in kl_curve]
    [500, 1000]
    >>> model.n_iter_
    2
    """
    patterns, probabilities = bars_world()
    rng = np.random.default_rng(random_state)
    images = patterns[rng.choice(len(patterns), size=n_updates, p=probabilities)]
    model = HelmholtzMachine(**TUTORIAL_SETTINGS, random_state=random_state)
    kl_curve = []
    for start in range(0, n_updates, report_every):
        model.partial_fit(images[start : start + report_every])
        n_done = min(start + report_every, n_updates)
        kl_curve.append((n_done, kl_divergence(model, patterns, probabilities)))
        if report is not None:
            report(*kl_curve[-1])
    return model, kl_curve


def pattern_table(model, n_samples=100_000, threshold=0.001, random_state=0):
    """Return the rows of the generated-pattern table.

    Each row is ``(bits, world_probability, model_probability, frequency)``
    for every image whose exact model probability is at least ``threshold``:
    images of the world first, then the others, each group by decreasing
    model probability. ``frequency`` is the share of that image among
    ``n_samples`` samples from the machine.

    Parameters
    ----------
    model : HelmholtzMachine
        A machine fitted to 9-pixel images of the 3x3 bars world.

    n_samples : int, default=100_000
        Number of samples drawn for the ``frequency`` column.

    threshold : float, default=0.001
        Smallest exact model probability of a listed image.

    random_state : int, default=0
        Seed of the samples.

    Returns
    -------
    rows : list of (str, float, float, float)
        The table rows, each image as a string of nine 0/1 characters.

    Examples
    --------
    >>> from sk_helmholtz.demo import pattern_table, train_on_bars
    >>> model, _ = train_on_bars(n_updates=2000, report_every=2000)
    >>> rows = pattern_table(model, n_samples=1000)
    >>> bits, world_p, model_p, frequency = rows[0]
    >>> len(bits), bool(world_p > 0), bool(model_p >= 0.001)
    (9, True, True)
    """
    patterns, probabilities = bars_world()
    world = {pattern.tobytes(): p for pattern, p in zip(patterns, probabilities)}
    every_image = all_binary_vectors(patterns.shape[1])
    model_probability = np.exp(model.score_samples(every_image))

    samples = model.sample(n_samples, random_state=random_state)
    codes = samples @ (2 ** np.arange(samples.shape[1] - 1, -1, -1))
    counts = np.bincount(codes.astype(np.int64), minlength=len(every_image))

    rows = []
    for code in np.flatnonzero(model_probability >= threshold):
        image = every_image[code]
        bits = "".join(str(int(bit)) for bit in image)
        world_p = world.get(image.tobytes(), 0.0)
        rows.append((bits, world_p, model_probability[code], counts[code] / n_samples))
    rows.sort(key=lambda row: (row[1] == 0, -row[2]))
    return rows


def format_table(rows):
    """Return the generated-pattern table as aligned text lines.

    Parameters
    ----------
    rows : list of (str, float, float, float)
        Rows as ``pattern_table`` returns them.

    Returns
    -------
    lines : list of str
        A header line, then one line per row.

    Examples
    --------
    >>> from sk_helmholtz.demo import format_table
    >>> for line in format_table([("101101101", 1 / 9, 0.1, 0.098)]):
    ...     print(line)
    pattern      world p  model p_G  sampled
    101101101     0.1111     0.1000   0.0980
    """
    lines = [f"{'pattern':<11} {'world p':>8} {'model p_G':>10} {'sampled':>8}"]
    for bits, world_p, model_p, frequency in rows:
        lines.append(f"{bits:<11} {world_p:>8.4f} {model_p:>10.4f} {frequency:>8.4f}")
    return lines


def main(argv=None):
    """Run the bars demonstration and print its progress and table.

    Parameters
    ----------
    argv : list of str or None, default=None
        Command-line arguments; None reads ``sys.argv``.

    Returns
    -------
    model : HelmholtzMachine
        The trained machine.

    kl_curve : list of (int, float)
        Pairs of updates done and exact KL[p, p_G] in nats.

    Examples
    --------
    >>> from sk_helmholtz.demo import main
    >>> model, kl_curve = main(["--updates", "500", "--samples", "500"])  # doctest: +ELLIPSIS
    3x3 bars world, 1-6-9 machine, learning rates 0.15 (pixels) and 0.01 (top)
      after    500 updates: KL[p, p_G] = ... nats
    ...
    final exact KL[p, p_G] = ... nats
    training took ... s
    """
    parser = argparse.ArgumentParser(
        prog="python -m sk_helmholtz",
        description="Train a 1-6-9 Helmholtz machine on the 3x3 bars world.",
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument(
        "--updates", type=int, default=60_000, help="online updates (default 60000)"
    )
    parser.add_argument(
        "--samples", type=int, default=100_000, help="samples for the table (default 100000)"
    )
    args = parser.parse_args(argv)
    if args.updates < 1 or args.samples < 1:
        parser.error("--updates and --samples must be positive")
    if args.seed < 0:
        parser.error(f"--seed must be a non-negative integer, got {args.seed}")

    print("3x3 bars world, 1-6-9 machine, learning rates 0.15 (pixels) and 0.01 (top)")
    start = time.perf_counter()

    def report(n_done, kl):
        print(f"  after {n_done:>6} updates: KL[p, p_G] = {kl:.4f} nats")

    model, kl_curve = train_on_bars(
        n_updates=args.updates,
        report_every=max(1, min(5_000, args.updates)),
        random_state=args.seed,
        report=report,
    )
    elapsed = time.perf_counter() - start
    print()
    print("\n".join(format_table(pattern_table(model, args.samples, random_state=args.seed))))
    print()
    print(f"final exact KL[p, p_G] = {kl_curve[-1][1]:.4f} nats")
    print(f"training took {elapsed:.1f} s")
    return model, kl_curve

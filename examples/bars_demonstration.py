"""Train a 1-6-9 Helmholtz machine on the 3x3 bars world, step by step.

This script runs the same training as ``python -m sk_helmholtz``: with the
same seed and number of updates it reaches the same final KL divergence. It
spells out each step and, when matplotlib is installed, writes two figures
to the output folder:

- ``bars_kl_curve.png``: exact KL[p, p_G] in nats against the number of
  updates, on a log scale.
- ``bars_patterns.png``: world probability and exact model probability of
  every image in the generated-pattern table.

Run it with ``python examples/bars_demonstration.py --help`` for the options.
"""

import argparse
import time
from pathlib import Path

import numpy as np

from sk_helmholtz import HelmholtzMachine
from sk_helmholtz.bars import bars_world, kl_divergence
from sk_helmholtz.demo import format_table, pattern_table

try:
    from matplotlib.figure import Figure
except ImportError:
    Figure = None

UPDATES_PER_CHUNK = 500
PRINT_EVERY = 5_000


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description="Train a 1-6-9 Helmholtz machine on the 3x3 bars world.",
    )
    parser.add_argument(
        "--seed", type=int, default=0,
        help="seed of the world's images, the machine and the table samples (default 0)",
    )
    parser.add_argument(
        "--updates", type=int, default=60_000,
        help="number of online wake-sleep updates, one image each (default 60000)",
    )
    parser.add_argument(
        "--samples", type=int, default=100_000,
        help="samples drawn from the machine for the table (default 100000)",
    )
    parser.add_argument(
        "--output-dir", type=Path, default=Path("."),
        help="folder for the PNG figures, created if missing (default: current folder)",
    )
    args = parser.parse_args(argv)
    if args.updates < 1:
        parser.error(f"--updates must be a positive integer, got {args.updates}")
    if args.samples < 1:
        parser.error(f"--samples must be a positive integer, got {args.samples}")
    if args.seed < 0:
        parser.error(f"--seed must be a non-negative integer, got {args.seed}")
    return args


def train(images, patterns, probabilities, seed):
    """Train the machine on ``images`` in order and return it with its KL curve.

    Each ``partial_fit`` call makes one update per image of its chunk,
    because ``batch_size=1``. The exact KL is measured after every chunk.
    """
    model = HelmholtzMachine(
        hidden_layer_sizes=(6, 1),
        learning_rate=(0.15, 0.01),
        batch_size=1,
        init="zeros",
        binarize=None,
        shuffle=False,
        random_state=seed,
    )
    n_updates = len(images)
    updates_done = []
    kl_values = []
    for start in range(0, n_updates, UPDATES_PER_CHUNK):
        model.partial_fit(images[start : start + UPDATES_PER_CHUNK])
        n_done = min(start + UPDATES_PER_CHUNK, n_updates)
        kl = kl_divergence(model, patterns, probabilities)
        updates_done.append(n_done)
        kl_values.append(kl)
        if n_done % PRINT_EVERY == 0 or n_done == n_updates:
            print(f"  after {n_done:>6} updates: KL[p, p_G] = {kl:.4f} nats")
    return model, updates_done, kl_values


def plot_kl_curve(updates_done, kl_values, path):
    figure = Figure(figsize=(6, 4), layout="constrained")
    axes = figure.add_subplot()
    axes.plot(updates_done, kl_values, color="tab:blue")
    axes.set_yscale("log")
    axes.set_xlabel("wake-sleep updates")
    axes.set_ylabel("exact KL[p, p_G] (nats)")
    axes.set_title("1-6-9 Helmholtz machine on the 3x3 bars world")
    axes.grid(True, which="both", alpha=0.3)
    figure.savefig(path, dpi=120)


def plot_patterns(rows, path):
    bits = [row[0] for row in rows]
    world_p = [row[1] for row in rows]
    model_p = [row[2] for row in rows]
    positions = np.arange(len(rows))
    width = 0.4

    figure = Figure(figsize=(max(6, 0.3 * len(rows) + 1.5), 4.5), layout="constrained")
    axes = figure.add_subplot()
    axes.bar(positions - width / 2, world_p, width, label="world p", color="tab:gray")
    axes.bar(positions + width / 2, model_p, width, label="model p_G", color="tab:blue")
    axes.set_xticks(positions, bits, rotation=90, fontfamily="monospace", fontsize=8)
    axes.set_xlim(-0.6, len(rows) - 0.4)
    axes.set_xlabel("image, 9 pixels row by row")
    axes.set_ylabel("probability")
    axes.set_title("Images the machine generates with probability at least 0.001")
    axes.legend()
    figure.savefig(path, dpi=120)


def main(argv=None):
    args = parse_args(argv)

    # The world: 12 images of 9 pixels. Each vertical-bar image has
    # probability 1/9 and each horizontal-bar image 1/18.
    patterns, probabilities = bars_world()
    print(f"3x3 bars world: {len(patterns)} images of {patterns.shape[1]} pixels")

    # The training data: one image per update, drawn independently from the world.
    rng = np.random.default_rng(args.seed)
    drawn = rng.choice(len(patterns), size=args.updates, p=probabilities)
    images = patterns[drawn]
    print(f"drew {len(images)} training images with seed {args.seed}")

    print("training a 1-6-9 machine, learning rates 0.15 (pixels) and 0.01 (top)")
    start = time.perf_counter()
    model, updates_done, kl_values = train(images, patterns, probabilities, args.seed)
    elapsed = time.perf_counter() - start

    rows = pattern_table(model, args.samples, random_state=args.seed)
    print()
    print("\n".join(format_table(rows)))
    print()
    print(f"final exact KL[p, p_G] = {kl_values[-1]:.4f} nats")
    print(f"training took {elapsed:.1f} s")

    if Figure is None:
        print(
            "matplotlib is not installed, so the figures were skipped; "
            'install the plot extra (pip install "sk-helmholtz[plot]") to get them.'
        )
        return

    args.output_dir.mkdir(parents=True, exist_ok=True)
    kl_path = args.output_dir / "bars_kl_curve.png"
    patterns_path = args.output_dir / "bars_patterns.png"
    plot_kl_curve(updates_done, kl_values, kl_path)
    plot_patterns(rows, patterns_path)
    print(f"wrote {kl_path}")
    print(f"wrote {patterns_path}")


if __name__ == "__main__":
    main()

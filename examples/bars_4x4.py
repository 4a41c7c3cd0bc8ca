"""Learn the 4x4 bars world with and without annealed input noise.

In the world of Hinton, Dayan, Frey and Neal (1995) an image shows vertical
bars (with probability 2/3) or horizontal bars, each of the 4 bars of that
orientation on with probability 0.2. A 1-8-16 machine can draw it almost
exactly: one bar unit per bar, and a top unit that picks the orientation.
Training without noise usually stalls in a local optimum. Noise that flips
20% of the pixels at first and then fades to 0 lets training find the bars.

The script fits both machines on the same images. For each it prints the
exact KL divergence from the world, the top unit's generative weights to
the eight hidden units and each hidden unit's pixel weights. When the top
unit's weights have opposite signs for the two orientations, the top unit
encodes the orientation. With matplotlib installed the script writes
``bars_4x4_weights.png``.

Run it with ``python examples/bars_4x4.py --help`` for the options.
"""

import argparse
import time
from pathlib import Path

import numpy as np

from sk_helmholtz import HelmholtzMachine
from sk_helmholtz.bars import independent_bars_world, kl_divergence

try:
    from matplotlib.figure import Figure
except ImportError:
    Figure = None

SETTINGS = dict(
    algorithm="reweighted",
    n_wake_samples=20,
    solver="adam",
    learning_rate=0.1,
    learning_rate_decay=0.3,
    batch_size=20,
    max_iter=20,
    init="data",
    binarize=None,
)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument(
        "--rows", type=int, default=20_000, help="training images (default 20000)"
    )
    parser.add_argument(
        "--n-init", type=int, default=3, help="restarts per machine (default 3)"
    )
    parser.add_argument(
        "--output-dir", type=Path, default=Path("."), help="folder for the figure"
    )
    parser.add_argument(
        "--quick", action="store_true",
        help="smoke test: 500 images, 2 epochs, 1 restart; the numbers mean nothing",
    )
    args = parser.parse_args(argv)
    if args.seed < 0:
        parser.error(f"--seed must be a non-negative integer, got {args.seed}")
    for option, value in (("--rows", args.rows), ("--n-init", args.n_init)):
        if value < 1:
            parser.error(f"{option} must be a positive integer, got {value}")
    return args


def print_machine(name, model, world, seconds):
    """Print the KL, the fit time and the generative weights of one machine."""
    top_weights = model.generative_coefs_[1][0]
    print(f"{name}: exact KL[p, p_G] = {kl_divergence(model, *world):.4f} nats, "
          f"fit {seconds:.1f} s")
    print("  top unit's weights to the hidden units:", np.round(top_weights, 1))
    for unit, weights in enumerate(model.generative_coefs_[0]):
        rows = [" ".join(f"{w:6.1f}" for w in row) for row in weights.reshape(4, 4)]
        print(f"  hidden unit {unit}: " + " | ".join(rows))


def save_figure(models, path):
    """Draw each machine's hidden-unit pixel weights as 4x4 images, one row per machine."""
    figure = Figure(figsize=(10, 3))
    axes = figure.subplots(len(models), 8, squeeze=False)
    for row, (name, model) in enumerate(models.items()):
        for unit, weights in enumerate(model.generative_coefs_[0]):
            ax = axes[row, unit]
            ax.imshow(weights.reshape(4, 4), cmap="RdBu_r", vmin=-20, vmax=20)
            ax.set_xticks([])
            ax.set_yticks([])
        axes[row, 0].set_ylabel(name, fontsize=8)
    figure.suptitle("Generative weights of the eight hidden units (red: positive)")
    figure.savefig(path, dpi=100)
    print(f"wrote {path}")


def main(argv=None):
    args = parse_args(argv)
    n_rows, max_iter, n_init = args.rows, SETTINGS["max_iter"], args.n_init
    if args.quick:
        n_rows, max_iter, n_init = 500, 2, 1
    world = patterns, probabilities = independent_bars_world()
    rng = np.random.default_rng(args.seed)
    X = patterns[rng.choice(len(patterns), size=n_rows, p=probabilities)]

    models = {}
    for name, noise in (("without noise", 0.0), ("input noise 0.2", 0.2)):
        model = HelmholtzMachine(
            (8, 1), **{**SETTINGS, "max_iter": max_iter}, input_noise=noise,
            n_init=n_init, random_state=args.seed,
        )
        start = time.perf_counter()
        model.fit(X)
        print_machine(name, model, world, time.perf_counter() - start)
        models[name] = model

    if Figure is None:
        print("matplotlib is not installed: no figure written")
    else:
        args.output_dir.mkdir(parents=True, exist_ok=True)
        save_figure(models, args.output_dir / "bars_4x4_weights.png")


if __name__ == "__main__":
    main()

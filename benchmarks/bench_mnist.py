"""Importance-sampled test log-likelihood on binarized MNIST.

Each configuration trains on the 50,000 training rows one epoch at a time
until its fit budget is spent, then scores test rows with the
importance-sampled log-likelihood. Classic and reweighted wake-sleep run on
a 200-unit single hidden layer and on a deeper net.

Run: python benchmarks/bench_mnist.py PATH/binarized_mnist.npz
"""

import argparse
import sys
import time

import numpy as np

from _common import load_binarized_mnist, print_header, print_table

from sk_helmholtz import HelmholtzMachine

CONFIGURATIONS = {
    "classic-200": dict(hidden_layer_sizes=(200,), algorithm="wake-sleep"),
    "reweighted-200": dict(hidden_layer_sizes=(200,), algorithm="reweighted"),
    "classic-200-200": dict(hidden_layer_sizes=(200, 200), algorithm="wake-sleep"),
    "reweighted-200-200": dict(hidden_layer_sizes=(200, 200), algorithm="reweighted"),
}
COMMON = dict(
    solver="adam",
    learning_rate=1e-3,
    batch_size=100,
    n_wake_samples=5,
    binarize=None,
    max_iter=1,
    warm_start=True,
    random_state=0,
)


def train_for(model, X, budget_seconds):
    """Run epochs until ``budget_seconds`` of fit time are spent; return epochs and seconds."""
    start = time.perf_counter()
    epochs = 0
    while time.perf_counter() - start < budget_seconds:
        model.fit(X)
        epochs += 1
    return epochs, time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mnist", help="path of binarized_mnist.npz")
    parser.add_argument(
        "--budget-minutes", type=float, default=30.0, help="fit budget per model (default 30)"
    )
    parser.add_argument(
        "--test-rows", type=int, default=10_000, help="test rows scored (default 10000)"
    )
    parser.add_argument(
        "--importance-samples", type=int, default=1000,
        help="importance samples per test row (default 1000)",
    )
    parser.add_argument(
        "--configs", nargs="+", default=list(CONFIGURATIONS), choices=list(CONFIGURATIONS),
        help="configurations to run (default all)",
    )
    args = parser.parse_args(argv)

    X_train = load_binarized_mnist(args.mnist, "train")
    X_test = load_binarized_mnist(args.mnist, "test", args.test_rows)
    print_header(
        "Binarized MNIST: importance-sampled test NLL (nats per row)",
        "python benchmarks/bench_mnist.py PATH/binarized_mnist.npz "
        f"--budget-minutes {args.budget_minutes:g} --test-rows {args.test_rows} "
        f"--importance-samples {args.importance_samples} --configs {' '.join(args.configs)}",
    )
    print(f"settings shared by all rows: {COMMON}")
    print()
    rows = []
    for name in args.configs:
        model = HelmholtzMachine(**CONFIGURATIONS[name], **COMMON)
        epochs, seconds = train_for(model, X_train, 60 * args.budget_minutes)
        model.set_params(likelihood="importance", n_importance_samples=args.importance_samples)
        scores = model.score_samples(X_test)
        standard_error = scores.std(ddof=1) / np.sqrt(len(scores))
        rows.append([
            name,
            str(CONFIGURATIONS[name]["hidden_layer_sizes"]),
            epochs,
            f"{seconds / 60:.1f}",
            f"{-scores.mean():.2f} ± {standard_error:.2f}",
            f"{model.loss_curve_[-1]:.2f}",
        ])
        print(f"{name}: {rows[-1]}", file=sys.stderr, flush=True)
    print_table(
        ["configuration", "hidden layers", "epochs", "fit minutes",
         "test NLL ± s.e. over rows", "last training loss"],
        rows,
    )


if __name__ == "__main__":
    sys.exit(main())

"""Exact score_samples against a plain matrix product of the same shapes.

Exact scoring of n rows with n_0 features and a first hidden layer of h
units does about n * 2**h * n_0 multiply-adds in its data term, the same as
the product of an (n, n_0) and an (n_0, 2**h) matrix. The table reports the
rate of both in GFLOP/s (2 floating-point operations per multiply-add),
medians of several runs, and the peak memory that tracemalloc sees during
one scoring call.

Run: python benchmarks/bench_scoring.py PATH/binarized_mnist.npz
"""

import argparse
import sys
import tracemalloc

import numpy as np

from _common import load_binarized_mnist, median_time, print_header, print_table

from sk_helmholtz import HelmholtzMachine
from sk_helmholtz._exact import BLOCK_BYTES


def random_machine(X, hidden_layer_sizes, seed=0):
    """Return a machine fitted briefly on X, then given random weights."""
    model = HelmholtzMachine(hidden_layer_sizes, max_iter=1, random_state=seed).fit(X[:100])
    rng = np.random.default_rng(seed)
    for params in (model.generative_coefs_, model.generative_intercepts_):
        for param in params:
            param[...] = rng.normal(0.0, 1.0, param.shape)
    return model


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mnist", help="path of binarized_mnist.npz")
    parser.add_argument("--rows", type=int, default=10_000, help="rows to score (default 10000)")
    parser.add_argument("--repeats", type=int, default=5, help="runs per figure (default 5)")
    args = parser.parse_args(argv)

    X = load_binarized_mnist(args.mnist, "test", args.rows)
    print_header(
        f"Exact score_samples, {len(X)} rows of {X.shape[1]} features",
        "python benchmarks/bench_scoring.py PATH/binarized_mnist.npz "
        f"--rows {args.rows} --repeats {args.repeats}",
    )
    rows = []
    for sizes in [(8,), (10,), (12,), (12, 6)]:
        model = random_machine(X, sizes)
        n_states = 2 ** sizes[0]
        flops = 2.0 * len(X) * n_states * X.shape[1]
        weights = np.random.default_rng(1).normal(size=(X.shape[1], n_states))

        score_time = median_time(lambda: model.score_samples(X), args.repeats)
        matmul_time = median_time(lambda: X @ weights, args.repeats)

        tracemalloc.start()
        model.score_samples(X)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        rows.append([
            str(sizes),
            f"{score_time:.3f}",
            f"{flops / score_time / 1e9:.1f}",
            f"{flops / matmul_time / 1e9:.1f}",
            f"{matmul_time / score_time:.2f}",
            f"{peak / 2**20:.0f}",
        ])
    print_table(
        ["hidden layers", "score time (s)", "score GFLOP/s", "matmul GFLOP/s",
         "score rate / matmul rate", "peak memory (MiB)"],
        rows,
    )
    print()
    print(f"Working arrays are capped at {BLOCK_BYTES // 2**20} MiB per block; the "
          "peak also holds the scored rows and the result.")


if __name__ == "__main__":
    sys.exit(main())

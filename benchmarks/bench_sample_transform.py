"""Sampling and transform throughput.

``sample`` draws 100,000 rows from a (200,) and a (200, 50, 10) machine on
784 features. ``transform`` of 10,000 rows is compared with a single matrix
product of the same shapes as its first layer (``X @ W``), which is the
floor for a transform that must at least do that product.

Run: python benchmarks/bench_sample_transform.py PATH/binarized_mnist.npz
"""

import argparse
import sys

import numpy as np

from _common import load_binarized_mnist, median_time, print_header, print_table

from sk_helmholtz import HelmholtzMachine


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mnist", help="path of binarized_mnist.npz")
    parser.add_argument("--samples", type=int, default=100_000, help="rows to sample (default 100000)")
    parser.add_argument("--repeats", type=int, default=5, help="runs per figure (default 5)")
    args = parser.parse_args(argv)

    X = load_binarized_mnist(args.mnist, "test", 10_000)
    print_header(
        "Sampling and transform throughput",
        "python benchmarks/bench_sample_transform.py PATH/binarized_mnist.npz "
        f"--samples {args.samples} --repeats {args.repeats}",
    )
    rows = []
    for dtype in ("float64", "float32"):
        X_typed = X.astype(dtype)
        for sizes in [(200,), (200, 50, 10)]:
            model = HelmholtzMachine(sizes, max_iter=1, random_state=0).fit(X_typed[:2000])
            sample_time = median_time(lambda: model.sample(args.samples, random_state=0), args.repeats)
            transform_time = median_time(lambda: model.transform(X_typed), args.repeats)
            weights = model.recognition_coefs_[0]
            matmul_time = median_time(lambda: X_typed @ weights, args.repeats)
            rows.append([
                str(sizes),
                dtype,
                f"{args.samples / sample_time:,.0f}",
                f"{len(X) / transform_time:,.0f}",
                f"{transform_time / matmul_time:.2f}",
            ])
    print_table(
        ["hidden layers", "dtype", "sample rows/s", "transform rows/s",
         "transform time / first-layer matmul time"],
        rows,
    )


if __name__ == "__main__":
    sys.exit(main())

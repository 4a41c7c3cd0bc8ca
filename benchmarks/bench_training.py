"""Minibatch training throughput against scikit-learn's BernoulliRBM.

Both models see the same binarized MNIST rows in the same process, with
batches of 100 rows: a Helmholtz machine with hidden layers of 200 units
(and a deeper (200, 50, 10) net), and ``BernoulliRBM(n_components=200)``,
in float64 and float32. Each figure is the median of several one-epoch fits.

Run: python benchmarks/bench_training.py PATH/binarized_mnist.npz
"""

import argparse
import sys
import warnings

from sklearn.neural_network import BernoulliRBM
from threadpoolctl import threadpool_limits

from _common import load_binarized_mnist, median_time, print_header, print_table

from sk_helmholtz import HelmholtzMachine


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mnist", help="path of binarized_mnist.npz")
    parser.add_argument("--rows", type=int, default=10_000, help="training rows (default 10000)")
    parser.add_argument("--repeats", type=int, default=5, help="fits per figure (default 5)")
    parser.add_argument(
        "--blas-threads", type=int, default=None,
        help="limit BLAS to this many threads (default: the BLAS default); one "
        "thread keeps the ratios stable when other processes share the cores",
    )
    args = parser.parse_args(argv)
    if args.blas_threads is not None:
        threadpool_limits(args.blas_threads)

    X = load_binarized_mnist(args.mnist, "train", args.rows)
    print_header(
        "Minibatch training throughput (rows per second, one epoch, batch 100)",
        "python benchmarks/bench_training.py PATH/binarized_mnist.npz "
        f"--rows {args.rows} --repeats {args.repeats}"
        + ("" if args.blas_threads is None else f" --blas-threads {args.blas_threads}"),
    )
    rows = []
    for dtype in ("float64", "float32"):
        X_typed = X.astype(dtype)

        def fit_rbm():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                BernoulliRBM(n_components=200, batch_size=100, n_iter=1, random_state=0).fit(X_typed)

        rbm_time = median_time(fit_rbm, args.repeats)
        rows.append(["BernoulliRBM(200)", dtype, f"{len(X) / rbm_time:,.0f}", "1.00"])
        for sizes in [(200,), (200, 50, 10)]:

            def fit_machine(sizes=sizes):
                HelmholtzMachine(sizes, batch_size=100, max_iter=1, random_state=0).fit(X_typed)

            machine_time = median_time(fit_machine, args.repeats)
            rows.append([
                f"HelmholtzMachine{sizes}",
                dtype,
                f"{len(X) / machine_time:,.0f}",
                f"{machine_time / rbm_time:.2f}",
            ])
    print_table(["model", "dtype", "rows/s", "epoch time / RBM epoch time"], rows)


if __name__ == "__main__":
    sys.exit(main())

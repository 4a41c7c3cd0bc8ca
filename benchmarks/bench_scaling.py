"""How the cost grows: fit time against rows and hidden width, exact scoring
time against the width of the first hidden layer.

Expected: fit time linear in rows and roughly linear in width (the matrix
products are rows x width x features); exact scoring doubles with each unit
of the first hidden layer (2**h states). When matplotlib is installed the
script writes ``scaling.png`` beside the tables (``--output-dir``).

Run: python benchmarks/bench_scaling.py PATH/binarized_mnist.npz
"""

import argparse
import os
import sys

from threadpoolctl import threadpool_limits

from _common import load_binarized_mnist, median_time, print_header, print_table

from sk_helmholtz import HelmholtzMachine


def fit_times(X, repeats):
    by_rows = []
    for n_rows in [2_000, 4_000, 8_000, 16_000]:
        seconds = median_time(
            lambda: HelmholtzMachine((100,), batch_size=100, max_iter=1, random_state=0).fit(X[:n_rows]),
            repeats,
        )
        by_rows.append((n_rows, seconds))
    by_width = []
    for width in [25, 50, 100, 200, 400]:
        seconds = median_time(
            lambda: HelmholtzMachine((width,), batch_size=100, max_iter=1, random_state=0).fit(X[:4_000]),
            repeats,
        )
        by_width.append((width, seconds))
    return by_rows, by_width


def scoring_times(X, repeats):
    by_width = []
    for width in range(6, 15, 2):
        model = HelmholtzMachine((width,), max_iter=1, random_state=0).fit(X[:200])
        seconds = median_time(lambda: model.score_samples(X[:2_000]), repeats)
        by_width.append((width, seconds))
    return by_width


def plot(fit_by_rows, fit_by_width, score_by_width, output_dir):
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: no plot written (install the plot extra).")
        return
    figure, axes = plt.subplots(1, 3, figsize=(13, 3.8))
    panels = [
        (fit_by_rows, "training rows", "fit time, one epoch (s)", False),
        (fit_by_width, "hidden units", "fit time, 4,000 rows (s)", False),
        (score_by_width, "units in the first hidden layer", "exact scoring of 2,000 rows (s)", True),
    ]
    for axis, (points, xlabel, ylabel, log_scale) in zip(axes, panels):
        axis.plot([p[0] for p in points], [p[1] for p in points], "o-")
        axis.set_xlabel(xlabel)
        axis.set_ylabel(ylabel)
        if log_scale:
            axis.set_yscale("log", base=2)
        axis.grid(True, alpha=0.3)
    figure.tight_layout()
    path = os.path.join(output_dir, "scaling.png")
    figure.savefig(path, dpi=110)
    print(f"wrote {path}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mnist", help="path of binarized_mnist.npz")
    parser.add_argument("--repeats", type=int, default=3, help="runs per figure (default 3)")
    parser.add_argument("--output-dir", default=".", help="folder of scaling.png (default .)")
    parser.add_argument(
        "--blas-threads", type=int, default=None,
        help="limit BLAS to this many threads (default: the BLAS default); one "
        "thread keeps the timings stable when other processes share the cores",
    )
    args = parser.parse_args(argv)
    if args.blas_threads is not None:
        threadpool_limits(args.blas_threads)

    X = load_binarized_mnist(args.mnist, "train", 16_000)
    print_header(
        "Cost growth",
        f"python benchmarks/bench_scaling.py PATH/binarized_mnist.npz --repeats {args.repeats}"
        + ("" if args.blas_threads is None else f" --blas-threads {args.blas_threads}"),
    )
    fit_by_rows, fit_by_width = fit_times(X, args.repeats)
    score_by_width = scoring_times(X, args.repeats)

    base_rows, base_time = fit_by_rows[0]
    print_table(
        ["rows", "fit time (s)", "time / time at 2,000 rows", "rows / 2,000"],
        [[n, f"{t:.3f}", f"{t / base_time:.2f}", f"{n / base_rows:.0f}"] for n, t in fit_by_rows],
    )
    print()
    base_width, base_time = fit_by_width[0]
    print_table(
        ["hidden units", "fit time (s)", "time / time at 25 units"],
        [[w, f"{t:.3f}", f"{t / base_time:.2f}"] for w, t in fit_by_width],
    )
    print()
    print_table(
        ["first hidden layer units", "scoring time (s)", "ratio to the previous width (2**2 = 4 expected)"],
        [
            [w, f"{t:.3f}", "" if i == 0 else f"{t / score_by_width[i - 1][1]:.2f}"]
            for i, (w, t) in enumerate(score_by_width)
        ],
    )
    print()
    plot(fit_by_rows, fit_by_width, score_by_width, args.output_dir)


if __name__ == "__main__":
    sys.exit(main())

"""Test negative log-likelihood on the UCI binary data sets (dna, mushrooms, nips).

Each data set is trained by classic and by reweighted wake-sleep with the
same architecture and Adam step size. Training runs one epoch at a time,
and every few epochs an importance-sampled estimate scores the validation
split. The parameters with the best validation score are kept, and
training stops after several validations without improvement or at the
epoch limit. The kept machine then scores the test split, exactly where the
hidden layers can be enumerated and otherwise by importance sampling at
two sample counts, to show how stable the figure is.

Run: python benchmarks/bench_uci.py PATH/TO/DATA_FOLDER
"""

import argparse
import copy
import sys
import time
from pathlib import Path

import numpy as np

from _common import print_header, print_table

from sk_helmholtz import HelmholtzMachine

DATA_SETS = ("dna", "mushrooms", "nips")

# Published test NLL (nats per row, approximate) of two baselines and of a
# sigmoid belief net trained by reweighted wake-sleep on these splits.
PUBLISHED = {
    "dna": {"mixture of Bernoullis": 98.19, "RBM": 96.74, "SBN, reweighted": 90.63},
    "mushrooms": {"mixture of Bernoullis": 14.46, "RBM": 15.15, "SBN, reweighted": 9.90},
    "nips": {"mixture of Bernoullis": 290.02, "RBM": 277.37, "SBN, reweighted": 272.54},
}

# Architecture and Adam step size per data set, chosen by validation score
# among (100,), (200,) and (100, 50) hidden layers and step sizes 0.003 and
# 0.01. Each set is trained by both algorithms with these settings.
SETTINGS = {
    "dna": dict(hidden_layer_sizes=(200,), learning_rate=3e-3),
    "mushrooms": dict(hidden_layer_sizes=(100, 50), learning_rate=1e-2),
    "nips": dict(hidden_layer_sizes=(100, 50), learning_rate=3e-3),
}
ALGORITHMS = ("wake-sleep", "reweighted")
COMMON = dict(
    solver="adam",
    batch_size=20,
    n_wake_samples=10,
    binarize=None,
    max_iter=1,
    warm_start=True,
    random_state=0,
)
VALIDATION_SAMPLES = 100


def load_split(folder, name, split):
    """Return one split of a bit-packed data set as float64 0/1 rows."""
    data = np.load(Path(folder) / f"{name}.npz")
    rows = np.unpackbits(data[split], axis=1)[:, : int(data["n_features"])]
    return rows.astype(np.float64)


def validation_score(model, X_valid):
    """Return the mean importance-sampled validation log-likelihood."""
    model.set_params(likelihood="importance", n_importance_samples=VALIDATION_SAMPLES)
    return model.score(X_valid)


def train_with_validation(model, X_train, X_valid, max_epochs, eval_every, patience):
    """Train epoch by epoch; return the best model by validation score and its epoch."""
    best_score, best_model, best_epoch = -np.inf, None, 0
    evaluations_without_gain = 0
    for epoch in range(1, max_epochs + 1):
        model.fit(X_train)
        if epoch % eval_every and epoch != max_epochs:
            continue
        score = validation_score(model, X_valid)
        if score > best_score:
            best_score, best_model, best_epoch = score, copy.deepcopy(model), epoch
            evaluations_without_gain = 0
        else:
            evaluations_without_gain += 1
            if evaluations_without_gain >= patience:
                break
    return best_model, best_epoch


def score_test_split(model, X_test, importance_samples):
    """Return the test NLL cells: exact, or importance-sampled at two sample counts."""
    model.set_params(likelihood="auto")
    if model._likelihood_method() == "exact":
        return "exact", f"{-model.score(X_test):.2f}", ""
    figures = []
    for n_samples in (importance_samples, 2 * importance_samples):
        model.set_params(likelihood="importance", n_importance_samples=n_samples)
        figures.append(-model.score(X_test))
    return f"importance K={importance_samples}", f"{figures[0]:.2f}", f"{figures[1]:.2f}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", help="folder with dna.npz, mushrooms.npz and nips.npz")
    parser.add_argument("--sets", nargs="+", default=list(DATA_SETS), choices=DATA_SETS)
    parser.add_argument(
        "--algorithms", nargs="+", default=list(ALGORITHMS), choices=ALGORITHMS
    )
    parser.add_argument("--max-epochs", type=int, default=600, help="epoch limit (default 600)")
    parser.add_argument(
        "--eval-every", type=int, default=10, help="epochs between validations (default 10)"
    )
    parser.add_argument(
        "--patience", type=int, default=4, help="validations without gain before stopping"
    )
    parser.add_argument(
        "--importance-samples", type=int, default=5000,
        help="importance samples per test row; the figure is repeated at twice as many",
    )
    args = parser.parse_args(argv)

    print_header(
        "UCI binary data sets: test NLL (nats per row)",
        f"python benchmarks/bench_uci.py PATH/TO/DATA_FOLDER --sets {' '.join(args.sets)} "
        f"--algorithms {' '.join(args.algorithms)} --max-epochs {args.max_epochs} "
        f"--eval-every {args.eval_every} --patience {args.patience} "
        f"--importance-samples {args.importance_samples}",
    )
    print(f"settings shared by all rows: {COMMON}")
    print()
    rows = []
    for name in args.sets:
        X_train, X_valid, X_test = (
            load_split(args.data, name, split) for split in ("train", "valid", "test")
        )
        for algorithm in args.algorithms:
            model = HelmholtzMachine(**SETTINGS[name], algorithm=algorithm, **COMMON)
            start = time.perf_counter()
            best, epoch = train_with_validation(
                model, X_train, X_valid, args.max_epochs, args.eval_every, args.patience
            )
            minutes = (time.perf_counter() - start) / 60
            method, figure, repeat = score_test_split(best, X_test, args.importance_samples)
            sizes, rate = SETTINGS[name]["hidden_layer_sizes"], SETTINGS[name]["learning_rate"]
            config = f"{algorithm} {sizes}, Adam {rate:g}"
            rows.append([name, config, epoch, f"{minutes:.1f}", method, figure, repeat])
            print(" | ".join(map(str, rows[-1])), file=sys.stderr, flush=True)
        for model_name, value in PUBLISHED[name].items():
            rows.append([name, f"published: {model_name}", "", "", "", f"{value:.2f}", ""])
    print_table(
        ["data", "model", "best epoch", "fit min", "test scoring", "test NLL",
         "test NLL, 2K samples"],
        rows,
    )


if __name__ == "__main__":
    sys.exit(main())

"""Fit Helmholtz machines to the dna, mushrooms and nips binary benchmarks.

Each data set is an ``.npz`` file in the folder given on the command line,
with the bit-packed splits ``train``, ``valid`` and ``test`` and the
feature count ``n_features``. For every data set the script

1. trains each candidate setting on ``train`` for up to ``--epochs``
   epochs and scores ``valid`` every ``--eval-every`` epochs with the exact
   log-likelihood, keeping the epoch with the best score;
2. picks the setting (and epoch) with the best ``valid`` score;
3. reports that machine's exact ``test`` log-likelihood in nats per row,
   printed as a negative log-likelihood (NLL, lower is better) beside
   published results of other models on the same splits.

Every hidden layer has at most 16 units, so the exact log-likelihood
enumerates at most 2**16 states per layer. When matplotlib is installed it
writes two figures per data set to ``--output-dir``: the training curve
(``loss_curve_`` of the training rows, an upper bound on their NLL, and the
exact NLL of the validation rows per epoch) and a grid of samples next to
training rows.

``--quick`` trains a small setting for a few epochs on the first rows of
each split, to check that every step runs. Its numbers mean nothing.
"""

import argparse
import copy
import time
from pathlib import Path

import numpy as np

from sk_helmholtz import HelmholtzMachine

try:
    from matplotlib.figure import Figure
except ImportError:
    Figure = None

DATASETS = ("dna", "mushrooms", "nips")

# Published test NLLs (nats per row) of other models on these splits, as
# collected in the results table of Germain et al. (2015), "MADE: Masked
# Autoencoder for Distribution Estimation". They were transcribed second
# hand, so treat them as approximate.
PUBLISHED_NLL = {
    "mixture of Bernoullis": {"dna": 98.19, "mushrooms": 14.46, "nips": 290.02},
    "RBM": {"dna": 96.74, "mushrooms": 15.15, "nips": 277.37},
    "FVSBN": {"dna": 83.64, "mushrooms": 10.27, "nips": 276.88},
    "NADE": {"dna": 84.81, "mushrooms": 9.81, "nips": 273.08},
    "SBN, reweighted wake-sleep": {"dna": 90.63, "mushrooms": 9.90, "nips": 272.54},
}

# Candidate settings: the classic algorithm with plain SGD, and reweighted
# wake-sleep with Adam. binarize=None because the data are already bits.
SETTINGS = {
    "wake-sleep, (16,)": {
        "hidden_layer_sizes": (16,), "learning_rate": 0.05, "batch_size": 10,
    },
    "wake-sleep, (16, 8)": {
        "hidden_layer_sizes": (16, 8), "learning_rate": 0.05, "batch_size": 10,
    },
    "reweighted + Adam, (16,)": {
        "hidden_layer_sizes": (16,), "learning_rate": 0.003, "batch_size": 20,
        "algorithm": "reweighted", "solver": "adam",
    },
    "reweighted + Adam, (16, 8)": {
        "hidden_layer_sizes": (16, 8), "learning_rate": 0.003, "batch_size": 20,
        "algorithm": "reweighted", "solver": "adam",
    },
}
QUICK_SETTINGS = {
    "wake-sleep, (4,)": {"hidden_layer_sizes": (4,), "learning_rate": 0.05, "batch_size": 10},
}
QUICK_ROWS = 200


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=(
            "Fit Helmholtz machines to binary benchmark data, choose settings "
            "on the validation split and report the exact test log-likelihood."
        ),
    )
    parser.add_argument(
        "data_dir", type=Path,
        help="folder containing dna.npz, mushrooms.npz and nips.npz",
    )
    parser.add_argument(
        "--datasets", nargs="+", choices=DATASETS, default=list(DATASETS),
        help="data sets to fit (default: all three)",
    )
    parser.add_argument(
        "--epochs", type=int, default=200,
        help="maximum training epochs per setting (default 200)",
    )
    parser.add_argument(
        "--eval-every", type=int, default=5,
        help="epochs between two scorings of the validation split (default 5)",
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument(
        "--output-dir", type=Path, default=Path("."),
        help="folder for the PNG figures, created if missing (default: current folder)",
    )
    parser.add_argument(
        "--quick", action="store_true",
        help=f"one small setting, 4 epochs, first {QUICK_ROWS} rows of each split",
    )
    args = parser.parse_args(argv)
    if args.epochs < 1 or args.eval_every < 1:
        parser.error("--epochs and --eval-every must be positive integers")
    for name in args.datasets:
        path = args.data_dir / f"{name}.npz"
        if not path.is_file():
            parser.error(
                f"{path} not found. Pass the folder that contains dna.npz, "
                "mushrooms.npz and nips.npz, or choose data sets with --datasets."
            )
    return args


def load_splits(path, n_rows=None):
    """Return the train, valid and test splits of one ``.npz`` file as 0/1 floats."""
    with np.load(path) as data:
        n_features = int(data["n_features"])
        return {
            split: np.unpackbits(data[split][:n_rows], axis=1)[:, :n_features].astype(np.float64)
            for split in ("train", "valid", "test")
        }


def train_setting(params, splits, epochs, eval_every, seed):
    """Train one setting and return the machine of its best validation epoch.

    Also returns that epoch's validation log-likelihood, the history of
    (epoch, validation log-likelihood) pairs and the free energy of every
    epoch that ran, also those after the best one.
    """
    model = HelmholtzMachine(binarize=None, random_state=seed, **params)
    history = []
    best_model, best_score = None, -np.inf
    for epoch in range(1, epochs + 1):
        model.partial_fit(splits["train"])
        if epoch % eval_every and epoch != epochs:
            continue
        score = model.score(splits["valid"])
        history.append((epoch, score))
        if score > best_score:
            best_model, best_score = copy.deepcopy(model), score
    return best_model, best_score, history, list(model.loss_curve_)


def fit_dataset(name, splits, settings, args):
    """Try every setting on one data set; return the chosen machine and its record."""
    print(
        f"{name}: {len(splits['train'])} train, {len(splits['valid'])} valid, "
        f"{len(splits['test'])} test rows of {splits['train'].shape[1]} features"
    )
    print(f"  {'setting':<28} {'best epoch':>10} {'valid NLL':>10} {'time':>8}")
    best = None
    for label, params in settings.items():
        start = time.perf_counter()
        model, score, history, loss_curve = train_setting(
            params, splits, args.epochs, args.eval_every, args.seed
        )
        seconds = time.perf_counter() - start
        best_epoch = max(history, key=lambda pair: pair[1])[0]
        print(f"  {label:<28} {best_epoch:>10} {-score:>10.2f} {seconds:>7.1f}s")
        if best is None or score > best["valid"]:
            best = {
                "label": label,
                "model": model,
                "valid": score,
                "history": history,
                "loss_curve": loss_curve,
            }
    best["test"] = best["model"].score(splits["test"])
    print(
        f"  chosen: {best['label']}; test log-likelihood {best['test']:.2f} "
        f"nats per row (NLL {-best['test']:.2f})"
    )
    return best


def plot_training_curve(name, record, path):
    figure = Figure(figsize=(6.5, 4), layout="constrained")
    axes = figure.add_subplot()
    curve = record["loss_curve"]
    axes.plot(range(1, len(curve) + 1), curve, label="loss_curve_, train (upper bound)")
    epochs, scores = zip(*record["history"])
    axes.plot(epochs, [-score for score in scores], "o-", label="exact NLL, valid")
    axes.set_xlabel("epoch")
    axes.set_ylabel("nats per row")
    axes.set_title(f"{name}: {record['label']}")
    axes.grid(True, alpha=0.3)
    axes.legend()
    figure.savefig(path, dpi=120)


def plot_samples(name, record, train_rows, path, n_rows=40, seed=0):
    figure = Figure(figsize=(10, 4.5), layout="constrained")
    samples = record["model"].sample(n_rows, random_state=seed)
    for position, (rows, title) in enumerate(
        [(train_rows[:n_rows], "training rows"), (samples, "samples from the machine")]
    ):
        axes = figure.add_subplot(1, 2, position + 1)
        axes.imshow(rows, cmap="binary", aspect="auto", interpolation="nearest", vmin=0, vmax=1)
        axes.set_title(f"{name}: {title}")
        axes.set_xlabel("feature")
        axes.set_ylabel("row")
    figure.savefig(path, dpi=120)


def print_summary(records):
    names = list(records)
    print()
    print("test NLL, nats per row (lower is better)")
    header = f"{'model':<40}" + "".join(f"{name:>12}" for name in names)
    print(header)
    print(f"{'Helmholtz machine (this run)':<40}" + "".join(
        f"{-records[name]['test']:>12.2f}" for name in names
    ))
    for model, values in PUBLISHED_NLL.items():
        print(f"{model + ' (published)':<40}" + "".join(f"{values[name]:>12.2f}" for name in names))


def main(argv=None):
    args = parse_args(argv)
    settings = QUICK_SETTINGS if args.quick else SETTINGS
    n_rows = QUICK_ROWS if args.quick else None
    epochs = 4 if args.quick else args.epochs
    args.epochs = epochs
    start = time.perf_counter()

    records = {}
    for name in args.datasets:
        splits = load_splits(args.data_dir / f"{name}.npz", n_rows)
        records[name] = fit_dataset(name, splits, settings, args)
        records[name]["train_rows"] = splits["train"]
    print_summary(records)
    print(f"took {time.perf_counter() - start:.1f} s")

    if Figure is None:
        print(
            "matplotlib is not installed, so the figures were skipped; "
            'install the plot extra (pip install "sk-helmholtz[plot]") to get them.'
        )
        return
    args.output_dir.mkdir(parents=True, exist_ok=True)
    for name, record in records.items():
        curve_path = args.output_dir / f"{name}_training_curve.png"
        samples_path = args.output_dir / f"{name}_samples.png"
        plot_training_curve(name, record, curve_path)
        plot_samples(name, record, record["train_rows"], samples_path, seed=args.seed)
        print(f"wrote {curve_path}")
        print(f"wrote {samples_path}")


if __name__ == "__main__":
    main()

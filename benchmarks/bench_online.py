"""Online wake-sleep (one row per update) on the 3x3 bars against a numpy loop.

The baseline is a straightforward per-row numpy transcription of the
wake-sleep pseudocode for the 1-6-9 machine, written here. The library runs
the same 60,000 updates through its compiled loop (numba, when installed)
and through its numpy path. Each seed trains all three on the same world
images; the table reports median times and the exact KL[p, p_G] each
reaches.

Run: python benchmarks/bench_online.py
"""

import argparse
import statistics
import sys
import time

import numpy as np
from scipy.special import expit

from _common import print_header, print_table

from sk_helmholtz import HelmholtzMachine
from sk_helmholtz._online import compiled_available, run_online_epoch
from sk_helmholtz.bars import bars_world, kl_divergence
from sk_helmholtz.demo import TUTORIAL_SETTINGS

RATES = (0.15, 0.01)


def baseline_wake_sleep(images, seed):
    """Train a 1-6-9 machine from zero weights, one image per update."""
    rng = np.random.default_rng(seed)
    V_G, c_G = np.zeros((6, 9)), np.zeros(9)
    W_G, b_y, b_x = np.zeros((1, 6)), np.zeros(6), np.zeros(1)
    V_R, c_R = np.zeros((9, 6)), np.zeros(6)
    W_R, c_x = np.zeros((6, 1)), np.zeros(1)
    eps_v, eps_w = RATES
    for d in images:
        # Wake phase.
        y = (rng.random(6) < expit(d @ V_R + c_R)).astype(float)
        x = (rng.random(1) < expit(y @ W_R + c_x)).astype(float)
        xi, psi, delta = expit(b_x), expit(x @ W_G + b_y), expit(y @ V_G + c_G)
        b_x += eps_w * (x - xi)
        W_G += eps_w * np.outer(x, y - psi)
        b_y += eps_w * (y - psi)
        V_G += eps_v * np.outer(y, d - delta)
        c_G += eps_v * (d - delta)
        # Sleep phase.
        x = (rng.random(1) < expit(b_x)).astype(float)
        y = (rng.random(6) < expit(x @ W_G + b_y)).astype(float)
        dream = (rng.random(9) < expit(y @ V_G + c_G)).astype(float)
        psi, xi = expit(dream @ V_R + c_R), expit(y @ W_R + c_x)
        V_R += eps_v * np.outer(dream, y - psi)
        c_R += eps_v * (y - psi)
        W_R += eps_w * np.outer(y, x - xi)
        c_x += eps_w * (x - xi)
    return [V_G, W_G], [c_G, b_y, b_x]


def library_run(images, seed, compiled):
    """Train the library's 1-6-9 machine on ``images``; return it and the time."""
    model = HelmholtzMachine(**TUTORIAL_SETTINGS, max_iter=1, random_state=seed)
    model.partial_fit(images[:1])  # initialise; the timed run starts from zero weights
    for params in (model.generative_coefs_, model.generative_intercepts_,
                   model.recognition_coefs_, model.recognition_intercepts_):
        for param in params:
            param[...] = 0.0
    parameters = {
        "gen_coefs": model.generative_coefs_,
        "gen_intercepts": model.generative_intercepts_,
        "rec_coefs": model.recognition_coefs_,
        "rec_intercepts": model.recognition_intercepts_,
    }
    start = time.perf_counter()
    run_online_epoch(parameters, images, RATES, np.random.default_rng(seed), compiled=compiled)
    return model, time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=60_000, help="updates per run (default 60000)")
    parser.add_argument("--seeds", type=int, default=5, help="seeds (default 5)")
    args = parser.parse_args(argv)

    patterns, probabilities = bars_world()
    print_header(
        f"Online training, 3x3 bars, 1-6-9 machine, {args.updates} updates",
        f"python benchmarks/bench_online.py --updates {args.updates} --seeds {args.seeds}",
    )
    paths = ["baseline numpy loop", "library, numpy path"]
    if compiled_available():
        paths.append("library, compiled (numba)")
        # Compile once before timing.
        library_run(patterns[:2], 0, compiled=True)
    times = {path: [] for path in paths}
    kls = {path: [] for path in paths}

    for seed in range(args.seeds):
        rng = np.random.default_rng(1000 + seed)
        images = patterns[rng.choice(len(patterns), size=args.updates, p=probabilities)]

        start = time.perf_counter()
        coefs, intercepts = baseline_wake_sleep(images, seed)
        times[paths[0]].append(time.perf_counter() - start)
        scorer = HelmholtzMachine(**TUTORIAL_SETTINGS, max_iter=1).fit(patterns[:1])
        scorer.generative_coefs_, scorer.generative_intercepts_ = coefs, intercepts
        kls[paths[0]].append(kl_divergence(scorer, patterns, probabilities))

        for path, compiled in zip(paths[1:], [False, True]):
            model, elapsed = library_run(images, seed, compiled)
            times[path].append(elapsed)
            kls[path].append(kl_divergence(model, patterns, probabilities))

    baseline = statistics.median(times[paths[0]])
    rows = []
    for path in paths:
        median = statistics.median(times[path])
        rows.append([
            path,
            f"{median:.2f}",
            f"{baseline / median:.1f}",
            f"{statistics.median(kls[path]):.3f}",
            f"{max(kls[path]):.3f}",
        ])
    print_table(
        ["implementation", "median time (s)", "speed-up over baseline",
         "median KL (nats)", "worst KL (nats)"],
        rows,
    )


if __name__ == "__main__":
    sys.exit(main())

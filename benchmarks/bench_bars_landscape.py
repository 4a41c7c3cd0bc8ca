"""Exact gradient ascent on the 4x4 bars world: is the 1-8-16 model hard to fit?

Wake-sleep estimates gradients from samples and trains the recognition
network alongside. This script removes both sources of error: it enumerates
all 512 hidden states of a 1-8-16 sigmoid belief network, computes the exact
gradient of the expected log-likelihood under the world's own distribution,
and climbs it with Adam. Runs that stall far from KL 0 show local optima of
the model itself, which no estimator of the same gradient can avoid.

Five measurements:

1. a hand-built machine (each bar unit draws its bar, the top unit picks the
   orientation), to show that the target is within reach of the model;
2. exact ascent from small random weights and zero intercepts;
3. exact ascent with the pixel intercepts at the data's log-odds and the
   bar intercepts at log(0.2 / 0.8), so that units start rarely on;
4. exact ascent of the top two layers only, with the bar layer fixed at the
   hand-built weights;
5. as 3, but each step takes the exact gradient on 200 images drawn from
   the world. Each pixel is flipped with a probability that falls
   linearly from 0.2 to 0 over the first three quarters of the steps, on
   the schedule of the estimator's ``input_noise``.

Run: python benchmarks/bench_bars_landscape.py
"""

import argparse
import statistics
import sys
import time

import numpy as np
from scipy.special import expit, log_expit, logit, logsumexp

from _common import print_header, print_table

from sk_helmholtz import HelmholtzMachine
from sk_helmholtz._noise import noise_level
from sk_helmholtz.bars import all_binary_vectors, independent_bars_world, kl_divergence

NATS_PER_BIT = np.log(2)
TARGET_NATS = 0.10 * NATS_PER_BIT
N_BARS = 8
SIDE = 4
BAR_LOG_ODDS = np.log(0.2 / 0.8)

# Parameters in top-down order: top intercept, top-to-bar weights, bar
# intercepts, bar-to-pixel weights, pixel intercepts.
NAMES = ("top_intercept", "top_coefs", "bar_intercepts", "bar_coefs", "pixel_intercepts")


def log_bernoulli(bits, logits):
    """Return log p(bits) of independent units with the given logits, elementwise."""
    return bits * log_expit(logits) + (1 - bits) * log_expit(-logits)


def log_likelihood_and_gradient(params, patterns, probabilities):
    """Return the expected log-likelihood of the world and its exact gradient.

    ``params`` maps NAMES to arrays. The sums run over both top states and
    all 256 bar states, for every image of the world at once.
    """
    top = np.array([0.0, 1.0])
    bars = all_binary_vectors(N_BARS)
    log_top = log_bernoulli(top, params["top_intercept"])
    bar_logits = top[:, None, None] * params["top_coefs"] + params["bar_intercepts"]
    log_bars = log_bernoulli(bars[None], bar_logits).sum(axis=-1)
    pixel_logits = bars @ params["bar_coefs"] + params["pixel_intercepts"]
    log_pixels = log_bernoulli(patterns[:, None, :], pixel_logits[None]).sum(axis=-1)

    log_joint = log_top[None, :, None] + log_bars[None] + log_pixels[:, None, :]
    log_marginal = logsumexp(log_joint.reshape(len(patterns), -1), axis=1)
    # Posterior over (top, bars) per image, weighted by the image's probability.
    weights = probabilities[:, None, None] * np.exp(log_joint - log_marginal[:, None, None])

    top_weights = weights.sum(axis=(0, 2))
    state_weights = weights.sum(axis=0)
    bar_errors = state_weights[..., None] * (bars[None] - expit(bar_logits))
    bar_state_weights = weights.sum(axis=1)
    pixel_errors = np.einsum(
        "nk,nkj->kj", bar_state_weights, patterns[:, None, :] - expit(pixel_logits)[None]
    )
    gradient = {
        "top_intercept": np.sum(top_weights * (top - expit(params["top_intercept"]))),
        "top_coefs": bar_errors[1].sum(axis=0),
        "bar_intercepts": bar_errors.sum(axis=(0, 1)),
        "bar_coefs": bars.T @ pixel_errors,
        "pixel_intercepts": pixel_errors.sum(axis=0),
    }
    return float(probabilities @ log_marginal), gradient


def noisy_batch(world, input_noise, progress, rng, n_rows=200):
    """Return ``n_rows`` world images with annealed flips, and equal row weights."""
    patterns, probabilities = world
    rows = patterns[rng.choice(len(patterns), size=n_rows, p=probabilities)]
    flip_probability = noise_level(input_noise, progress)
    rows = np.abs(rows - (rng.random(rows.shape) < flip_probability))
    return rows, np.full(n_rows, 1.0 / n_rows)


def adam_ascent(params, world, trainable, n_steps, rate=0.05, input_noise=0.0, seed=0):
    """Climb the exact gradient with Adam, updating only the ``trainable`` names.

    With ``input_noise`` each step uses a noisy batch instead of the world.
    """
    rng = np.random.default_rng(seed)
    first = {name: np.zeros_like(params[name]) for name in trainable}
    second = {name: np.zeros_like(params[name]) for name in trainable}
    for step in range(1, n_steps + 1):
        data = world
        if input_noise:
            data = noisy_batch(world, input_noise, (step - 1) / n_steps, rng)
        _, gradient = log_likelihood_and_gradient(params, *data)
        for name in trainable:
            first[name] = 0.9 * first[name] + 0.1 * gradient[name]
            second[name] = 0.999 * second[name] + 0.001 * gradient[name] ** 2
            corrected = first[name] / (1 - 0.9**step)
            scale = np.sqrt(second[name] / (1 - 0.999**step)) + 1e-8
            params[name] = params[name] + rate * corrected / scale
    return params


def bar_images():
    """Return the 8 bar images as rows: the 4 columns, then the 4 rows."""
    images = []
    for index in range(SIDE):
        column = np.zeros((SIDE, SIDE))
        column[:, index] = 1
        images.append(column.ravel())
    for index in range(SIDE):
        row = np.zeros((SIDE, SIDE))
        row[index, :] = 1
        images.append(row.ravel())
    return np.array(images)


def hand_built(pixel_weight=20.0, top_weight=15.0):
    """Return the parameters of a machine that draws the world almost exactly.

    Each bar unit adds ``pixel_weight`` to the logits of its pixels, which
    start at ``-pixel_weight / 2``. The top unit is on for vertical images and
    leaves each bar of its orientation on with probability 0.2.
    """
    signs = np.repeat([1.0, -1.0], SIDE)
    return {
        "top_intercept": np.array(np.log(2.0)),
        "top_coefs": top_weight * signs,
        "bar_intercepts": BAR_LOG_ODDS - top_weight * (signs > 0),
        "bar_coefs": pixel_weight * bar_images(),
        "pixel_intercepts": np.full(SIDE * SIDE, -pixel_weight / 2),
    }


def random_start(seed, world, data_intercepts):
    """Return small random weights, with zero or data-based intercepts."""
    rng = np.random.default_rng(seed)
    patterns, probabilities = world
    params = {
        "top_intercept": np.array(0.0),
        "top_coefs": 0.1 * rng.standard_normal(N_BARS),
        "bar_intercepts": np.zeros(N_BARS),
        "bar_coefs": 0.1 * rng.standard_normal((N_BARS, SIDE * SIDE)),
        "pixel_intercepts": np.zeros(SIDE * SIDE),
    }
    if data_intercepts:
        params["bar_intercepts"][:] = BAR_LOG_ODDS
        params["pixel_intercepts"] = logit(probabilities @ patterns)
    return params


def top_only_start(seed):
    """Return the hand-built bar layer below a small random top layer."""
    params = hand_built()
    rng = np.random.default_rng(seed)
    params["top_intercept"] = np.array(0.0)
    params["top_coefs"] = 0.1 * rng.standard_normal(N_BARS)
    params["bar_intercepts"] = np.zeros(N_BARS)
    return params


def as_machine(params, world):
    """Return a fitted 1-8-16 HelmholtzMachine with these generative parameters."""
    patterns, _ = world
    model = HelmholtzMachine((N_BARS, 1), binarize=None, max_iter=1).fit(patterns)
    model.generative_coefs_ = [params["bar_coefs"], params["top_coefs"][None, :]]
    model.generative_intercepts_ = [
        params["pixel_intercepts"],
        params["bar_intercepts"],
        np.atleast_1d(params["top_intercept"]),
    ]
    return model


def world_kl(params, world):
    """Return KL[p, p_G] in nats, checked against the library's exact scoring."""
    patterns, probabilities = world
    log_likelihood, _ = log_likelihood_and_gradient(params, patterns, probabilities)
    kl = float(probabilities @ np.log(probabilities)) - log_likelihood
    library_kl = kl_divergence(as_machine(params, world), patterns, probabilities)
    if abs(kl - library_kl) > 1e-8:
        raise AssertionError(f"enumeration gives KL {kl}, the library {library_kl}")
    return kl


def summary_row(name, kls, seconds):
    return [
        name,
        f"{statistics.median(kls):.4f}",
        f"{min(kls):.4f}",
        f"{max(kls):.4f}",
        f"{sum(kl <= TARGET_NATS for kl in kls)}/{len(kls)}",
        f"{statistics.median(seconds):.1f}",
    ]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10, help="starts per setting (default 10)")
    parser.add_argument("--steps", type=int, default=2500, help="Adam steps (default 2500)")
    args = parser.parse_args(argv)
    world = independent_bars_world()
    print_header(
        "Exact gradient ascent on the 4x4 bars world, 1-8-16 model",
        f"python benchmarks/bench_bars_landscape.py --seeds {args.seeds} --steps {args.steps}",
    )

    print("hand-built machine, KL in nats by pixel weight:")
    for pixel_weight in (10.0, 15.0, 20.0):
        print(f"  {pixel_weight:g}: {world_kl(hand_built(pixel_weight), world):.5f}")
    print()

    def data_start(seed):
        return random_start(seed, world, data_intercepts=True)

    settings = {
        "all layers, zero intercepts": (
            lambda seed: random_start(seed, world, data_intercepts=False), NAMES, 0.0),
        "all layers, intercepts from data": (data_start, NAMES, 0.0),
        "top two layers, bar layer fixed at the hand-built one": (top_only_start, NAMES[:3], 0.0),
        "all layers, intercepts from data, input noise 0.2": (data_start, NAMES, 0.2),
    }
    rows = []
    for name, (start, trainable, input_noise) in settings.items():
        kls, seconds = [], []
        for seed in range(args.seeds):
            begin = time.perf_counter()
            params = adam_ascent(
                start(seed), world, trainable, args.steps, input_noise=input_noise, seed=seed
            )
            seconds.append(time.perf_counter() - begin)
            kls.append(world_kl(params, world))
        print(f"{name} per start: {', '.join(f'{kl:.3f}' for kl in kls)}", file=sys.stderr)
        rows.append(summary_row(name, kls, seconds))
    print_table(
        ["trained", "median KL (nats)", "best KL (nats)", "worst KL (nats)",
         "starts at most 0.10 bits", "median s"],
        rows,
    )


if __name__ == "__main__":
    sys.exit(main())

"""One wake-sleep update of a layered sigmoid belief network."""

from ._network import (
    delta_rule_gradients,
    dream,
    expit,
    generative_logits,
    log_bernoulli,
    recognition_logits,
    sample_bernoulli,
    sleep_gradients,
)
from ._optimizers import apply_gradients


def _wake_sample(rec_coefs, rec_intercepts, X, rng):
    """Sample h_1..h_L from p_R(. | x); return the layers and log p_R(h | x)."""
    layers = [X]
    log_recognition = 0.0
    for coef, intercept in zip(rec_coefs, rec_intercepts):
        logits = layers[-1] @ coef
        logits += intercept
        state = sample_bernoulli(expit(logits), rng)
        log_recognition = log_recognition + log_bernoulli(state, logits)
        layers.append(state)
    return layers, log_recognition


def _errors_in_place(states, logits):
    """Overwrite each logits array with ``state - sigmoid(logit)``; return them."""
    for state, logit in zip(states, logits):
        expit(logit, out=logit)
        logit -= state
        logit *= -1.0
    return logits


def _delta_rule_update(coefs, intercepts, errors, inputs, rates):
    """Add the row-mean delta-rule step ``rate * inputs.T @ errors / n``.

    The errors are scaled in place first, so each step costs one matrix
    product and one addition into the parameter. ``intercepts`` may have one
    more entry than ``coefs`` (the top prior), which takes the last rate.
    """
    n_rows = errors[0].shape[0]
    for index, error in enumerate(errors):
        error *= rates[min(index, len(rates) - 1)] / n_rows
        intercepts[index] += error.sum(axis=0)
        if index < len(coefs):
            coefs[index] += inputs[index].T @ error


def wake_sleep_step(model, X, rates, rng):
    """Update ``model`` in place by one wake and one sleep phase on batch X.

    ``model`` is a dict of the four parameter lists (``gen_coefs``,
    ``gen_intercepts``, ``rec_coefs``, ``rec_intercepts``) and ``rates[i]``
    the learning rate of connection layer ``i``. Gradients average over the
    rows of X, and the sleep phase dreams as many rows as X has.

    Returns the sum over rows of the one-sample estimate of the variational
    free energy log p_R(h | x) - log p_G(x, h), in nats, taken with the
    parameters before the update.
    """
    gen_coefs, gen_intercepts = model["gen_coefs"], model["gen_intercepts"]
    rec_coefs, rec_intercepts = model["rec_coefs"], model["rec_intercepts"]

    # Wake phase: explain the data with the recognition network, then move
    # the generative network toward reproducing data and explanation.
    layers, log_recognition = _wake_sample(rec_coefs, rec_intercepts, X, rng)
    gen_logits = generative_logits(gen_coefs, gen_intercepts, layers)
    log_generative = sum(log_bernoulli(h, a) for h, a in zip(layers, gen_logits))
    gen_logits[-1] = gen_logits[-1].copy()  # a read-only view of the top prior
    errors = _errors_in_place(layers, gen_logits)

    _delta_rule_update(gen_coefs, gen_intercepts, errors, layers[1:], rates)

    # Sleep phase: dream with the updated generative network, then move the
    # recognition network toward recovering the dream's hidden causes. This
    # follows KL[p_G(h | x), p_R(h | x)], the reverse of the divergence the
    # wake phase reduces, because that gradient needs only local terms.
    dreamed = dream(gen_coefs, gen_intercepts, X.shape[0], rng)
    rec_logits = recognition_logits(rec_coefs, rec_intercepts, dreamed)
    errors = _errors_in_place(dreamed[1:], rec_logits)

    _delta_rule_update(rec_coefs, rec_intercepts, errors, dreamed[:-1], rates)

    return float((log_recognition - log_generative).sum())


def sleep_update(model, n_rows, rates, rng, optimizer):
    """Dream ``n_rows`` states and update the recognition network toward them.

    The step follows the row-mean gradient of log p_R(h | x) of the dreamed
    states, taken by ``optimizer``.
    """
    dreamed = dream(model["gen_coefs"], model["gen_intercepts"], n_rows, rng)
    rec_coefs, rec_intercepts = model["rec_coefs"], model["rec_intercepts"]
    gradients = sleep_gradients(rec_coefs, rec_intercepts, dreamed)
    apply_gradients(optimizer, "recognition", rec_coefs, rec_intercepts, gradients, rates)


def optimized_wake_sleep_step(model, X, rates, rng, optimizer):
    """Run ``wake_sleep_step`` with the steps taken by ``optimizer``.

    The gradients and the order of the random draws are those of
    ``wake_sleep_step``; with ``StochasticGradient`` both functions give the
    same update up to rounding. Returns the summed free energy as
    ``wake_sleep_step`` does.
    """
    gen_coefs, gen_intercepts = model["gen_coefs"], model["gen_intercepts"]
    layers, log_recognition = _wake_sample(model["rec_coefs"], model["rec_intercepts"], X, rng)
    gen_logits = generative_logits(gen_coefs, gen_intercepts, layers)
    log_generative = sum(log_bernoulli(h, a) for h, a in zip(layers, gen_logits))
    errors = [h - expit(a) for h, a in zip(layers, gen_logits)]
    gradients = delta_rule_gradients(errors, layers[1:])
    apply_gradients(optimizer, "generative", gen_coefs, gen_intercepts, gradients, rates)

    sleep_update(model, X.shape[0], rates, rng, optimizer)
    return float((log_recognition - log_generative).sum())

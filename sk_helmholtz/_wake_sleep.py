"""One wake-sleep update of a layered sigmoid belief network."""

from scipy.special import expit

from ._network import (
    delta_rule_gradients,
    dream,
    generative_logits,
    log_bernoulli,
    sample_bernoulli,
    sleep_gradients,
)


def _wake_sample(rec_coefs, rec_intercepts, X, rng):
    """Sample h_1..h_L from p_R(. | x); return the layers and log p_R(h | x)."""
    layers = [X]
    log_recognition = 0.0
    for coef, intercept in zip(rec_coefs, rec_intercepts):
        logits = layers[-1] @ coef + intercept
        state = sample_bernoulli(expit(logits), rng)
        log_recognition = log_recognition + log_bernoulli(state, logits)
        layers.append(state)
    return layers, log_recognition


def _apply(params, grads, rates):
    for param, grad, rate in zip(params, grads, rates):
        param += rate * grad


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
    errors = [h - expit(a) for h, a in zip(layers, gen_logits)]
    coef_grads, intercept_grads = delta_rule_gradients(errors, layers[1:])

    _apply(gen_coefs, coef_grads, rates)
    _apply(gen_intercepts, intercept_grads, [*rates, rates[-1]])

    # Sleep phase: dream with the updated generative network, then move the
    # recognition network toward recovering the dream's hidden causes. This
    # follows KL[p_G(h | x), p_R(h | x)], the reverse of the divergence the
    # wake phase reduces, because that gradient needs only local terms.
    dreamed = dream(gen_coefs, gen_intercepts, X.shape[0], rng)
    coef_grads, intercept_grads = sleep_gradients(rec_coefs, rec_intercepts, dreamed)

    _apply(rec_coefs, coef_grads, rates)
    _apply(rec_intercepts, intercept_grads, rates)

    return float((log_recognition - log_generative).sum())


"""One reweighted wake-sleep update (Bornschein and Bengio, 2015).

For each data row the recognition network proposes K explanations
``h_k ~ p_R(h | x)``, and the normalised importance weights
``omega_k = w_k / (w_1 + ... + w_K)`` with ``w_k = p_G(x, h_k) / p_R(h_k | x)``
turn them into an estimate of the posterior p_G(h | x). The wake phase then
moves both networks:

- the generative network along ``sum_k omega_k grad log p_G(x, h_k)``, an
  estimate of the gradient of log p_G(x);
- the recognition network along ``sum_k omega_k grad log p_R(h_k | x)``, an
  estimate of the gradient of -KL[p_G(h | x), p_R(h | x)] in the
  recognition parameters.

Both estimates are consistent: they converge to the exact gradients as K
grows. An optional sleep phase adds the classic recognition update on
dreamed states.
"""

from ._importance import mean_and_normalized_weights, sample_explanations
from ._network import delta_rule_gradients, expit, generative_logits, log_bernoulli
from ._optimizers import apply_gradients
from ._wake_sleep import sleep_update


def reweighted_wake_gradients(model, X, n_samples, rng):
    """Return the reweighted wake gradients of both networks on batch X.

    Returns ``(generative_gradients, recognition_gradients, log_likelihood)``:
    each gradient is a ``(coef_grads, intercept_grads)`` pair averaged over
    the rows of X, and ``log_likelihood`` the sum over rows of the
    importance-sampled estimate of log p_G(x) from the same samples.
    """
    gen_coefs, gen_intercepts = model["gen_coefs"], model["gen_intercepts"]
    layers, log_recognition, rec_logits = sample_explanations(
        model["rec_coefs"], model["rec_intercepts"], X, n_samples, rng
    )
    gen_logits = generative_logits(gen_coefs, gen_intercepts, layers)
    log_generative = sum(log_bernoulli(h, a) for h, a in zip(layers, gen_logits))
    log_weights = (log_generative - log_recognition).reshape(X.shape[0], n_samples)

    # delta_rule_gradients divides by the n_rows * n_samples sample rows, so
    # the weights are scaled by n_samples to give a mean over data rows.
    log_likelihood, weights = mean_and_normalized_weights(log_weights)
    scaled_weights = n_samples * weights.reshape(-1, 1)
    gen_errors = [scaled_weights * (h - expit(a)) for h, a in zip(layers, gen_logits)]
    rec_errors = [scaled_weights * (h - expit(a)) for h, a in zip(layers[1:], rec_logits)]
    gen_gradients = delta_rule_gradients(gen_errors, layers[1:])
    rec_gradients = delta_rule_gradients(rec_errors, layers[:-1])
    return gen_gradients, rec_gradients, float(log_likelihood.sum())


def reweighted_step(model, X, rates, rng, optimizer, n_samples, sleep):
    """Update ``model`` in place by one reweighted wake-sleep step on batch X.

    ``model`` is the dict of parameter lists that ``wake_sleep_step`` takes,
    ``optimizer`` takes the steps, and ``sleep`` adds a sleep phase that
    dreams as many rows as X has. Returns the sum over rows of the negative
    importance-sampled log-likelihood estimate, in nats, taken with the
    parameters before the update.
    """
    gen_gradients, rec_gradients, log_likelihood = reweighted_wake_gradients(
        model, X, n_samples, rng
    )
    apply_gradients(
        optimizer, "generative", model["gen_coefs"], model["gen_intercepts"], gen_gradients, rates
    )
    apply_gradients(
        optimizer, "recognition", model["rec_coefs"], model["rec_intercepts"], rec_gradients, rates
    )
    if sleep:
        sleep_update(model, X.shape[0], rates, rng, optimizer)
    return -log_likelihood

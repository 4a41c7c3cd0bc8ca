"""Update rules that turn gradients into parameter steps.

Every gradient here is an ascent direction (of a log-probability), so each
rule adds its step to the parameter. Each parameter has a key, such as
``("generative", "coef", 0)``, under which a rule keeps its state, and a
learning rate: rate ``i`` applies to connection layer ``i`` and the top
prior takes the last rate, as in ``wake_sleep_step``.
"""

import numpy as np


class StochasticGradient:
    """Plain stochastic gradient ascent: ``param += rate * gradient``."""

    solver = "sgd"

    def settings(self):
        """Return the settings that define this rule, for comparison."""
        return (self.solver,)

    def update(self, key, param, gradient, rate):
        """Add ``rate * gradient`` to ``param`` in place; ``gradient`` is overwritten."""
        gradient *= rate
        param += gradient


class Adam:
    """Adam: steps scaled by running estimates of the gradient's moments.

    With the running means ``m`` of the gradient and ``v`` of its square,
    the ``t``-th step of a parameter is ``rate * sqrt(1 - beta_2**t) / (1 -
    beta_1**t) * m / (sqrt(v) + epsilon)``: the bias-corrected ratio
    ``m_hat / sqrt(v_hat)``, with epsilon added before the correction, as in
    scikit-learn's ``MLPClassifier``. The moments and ``t`` are kept per
    parameter, so a network that is updated less often than the other
    still gets correctly corrected steps.
    """

    solver = "adam"

    def __init__(self, beta_1=0.9, beta_2=0.999, epsilon=1e-8):
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.first_moments = {}
        self.second_moments = {}
        self.n_steps = {}

    def settings(self):
        """Return the settings that define this rule, for comparison."""
        return (self.solver, self.beta_1, self.beta_2, self.epsilon)

    def update(self, key, param, gradient, rate):
        """Take one Adam step on ``param`` in place."""
        if key not in self.n_steps:
            self.first_moments[key] = np.zeros_like(param)
            self.second_moments[key] = np.zeros_like(param)
            self.n_steps[key] = 0
        self.n_steps[key] += 1
        step_count = self.n_steps[key]
        first = self.first_moments[key]
        second = self.second_moments[key]

        first *= self.beta_1
        first += (1 - self.beta_1) * gradient
        second *= self.beta_2
        second += (1 - self.beta_2) * gradient * gradient

        corrected_rate = (
            rate * np.sqrt(1 - self.beta_2**step_count) / (1 - self.beta_1**step_count)
        )
        param += corrected_rate * first / (np.sqrt(second) + self.epsilon)


def make_optimizer(solver, beta_1=0.9, beta_2=0.999, epsilon=1e-8):
    """Return a new update rule for ``solver`` ("sgd" or "adam")."""
    if solver == "sgd":
        return StochasticGradient()
    if solver == "adam":
        return Adam(beta_1, beta_2, epsilon)
    raise ValueError(f"solver must be 'sgd' or 'adam', got {solver!r}.")


def apply_gradients(optimizer, network, coefs, intercepts, gradients, rates):
    """Update one network's parameters in place with ``optimizer``.

    ``network`` is "generative" or "recognition", and ``gradients`` is the
    pair ``(coef_grads, intercept_grads)`` in the parameters' layout.
    ``rates[i]`` is the learning rate of connection layer ``i``. The top
    prior's intercept lies beyond the last connection layer, so it takes
    the last rate.
    """
    coef_grads, intercept_grads = gradients
    for index, gradient in enumerate(coef_grads):
        optimizer.update((network, "coef", index), coefs[index], gradient, rates[index])
    for index, gradient in enumerate(intercept_grads):
        rate = rates[min(index, len(rates) - 1)]
        optimizer.update((network, "intercept", index), intercepts[index], gradient, rate)

"""Helmholtz machines for scikit-learn.

A Helmholtz machine is a layered sigmoid belief network over binary data,
trained by the wake-sleep algorithm, with an exact log-likelihood for
networks whose hidden layers are narrow enough to enumerate.
"""

from ._estimator import HelmholtzMachine, HelmholtzMachineEstimator

__version__ = "0.1.0"

__all__ = ["HelmholtzMachine", "HelmholtzMachineEstimator", "__version__"]

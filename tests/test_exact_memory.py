"""Exact scoring keeps its working arrays within the working-memory setting."""

import tracemalloc

import numpy as np
from sklearn import config_context

from sk_helmholtz import HelmholtzMachine
from sk_helmholtz._exact import check_exact_tractable


def test_wide_top_layer_memory_bounded():
    X = (np.random.default_rng(0).random((50, 10)) < 0.5).astype(float)
    model = HelmholtzMachine((20,), max_iter=1, random_state=0).fit(X)
    with config_context(working_memory=16):
        tracemalloc.start()
        scores = model.score_samples(X[:5])
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    # The log-probabilities of all 2**20 top states (8 MiB) must be kept;
    # every other array stays within a few blocks of the 16 MiB budget.
    assert peak < 48 * 2**20
    assert np.isfinite(scores).all()


def test_huge_width_message_short():
    try:
        check_exact_tractable([20000])
    except ValueError as error:
        message = str(error)
    assert "2**20000 states" in message
    assert len(message) < 400

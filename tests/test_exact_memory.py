"""Exact scoring keeps its working arrays within the working-memory setting."""

import tracemalloc

import numpy as np
import pytest
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
    with pytest.raises(ValueError, match=r"2\*\*20000 states") as caught:
        check_exact_tractable([20000])
    message = str(caught.value)
    assert len(message) < 400

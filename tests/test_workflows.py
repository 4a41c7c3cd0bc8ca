"""scikit-learn workflows: pipelines, searches in parallel processes and on a
Dask cluster, cross-validation, clone, and pickle and skops round trips."""

import pickle

import joblib
import numpy as np
import pytest
from numpy.testing import assert_array_equal
from scipy.stats import loguniform
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import (
    GridSearchCV,
    KFold,
    RandomizedSearchCV,
    cross_val_score,
)
from sklearn.pipeline import Pipeline

from sk_helmholtz import HelmholtzMachine

DIGITS = load_digits()
X_DIGITS = DIGITS.data[:300] / 16
Y_DIGITS = DIGITS.target[:300]
GRID = {
    "hidden_layer_sizes": [(4,), (8,)],
    "learning_rate": [0.05, 0.2],
    "batch_size": [5, 20],
}
BASE = HelmholtzMachine(max_iter=3, random_state=0)


def grid_search(n_jobs):
    return GridSearchCV(clone(BASE), GRID, cv=2, n_jobs=n_jobs)


@pytest.fixture(scope="module")
def serial_search():
    return grid_search(n_jobs=1).fit(X_DIGITS)


def test_grid_search_selects_by_score(serial_search):
    scores = serial_search.cv_results_["mean_test_score"]
    best = int(np.argmax(scores))

    assert len(scores) == 8
    assert np.all(np.isfinite(scores))
    assert serial_search.best_index_ == best
    assert serial_search.best_params_ == serial_search.cv_results_["params"][best]
    assert serial_search.best_estimator_.n_iter_ == 3
    assert serial_search.score(X_DIGITS) == serial_search.best_estimator_.score(X_DIGITS)


@pytest.fixture(scope="module")
def process_search():
    return grid_search(n_jobs=2).fit(X_DIGITS)


def test_grid_search_processes_match_serial(process_search, serial_search):
    assert_array_equal(
        process_search.cv_results_["mean_test_score"],
        serial_search.cv_results_["mean_test_score"],
    )
    assert process_search.best_params_ == serial_search.best_params_


def test_randomized_search_processes_match_serial():
    distributions = {
        "hidden_layer_sizes": [(4,), (6,), (8,)],
        "learning_rate": loguniform(0.01, 0.3),
        "batch_size": [5, 10, 20],
    }

    def search(n_jobs):
        return RandomizedSearchCV(
            clone(BASE), distributions, n_iter=4, cv=2, n_jobs=n_jobs, random_state=0
        ).fit(X_DIGITS)

    serial, parallel = search(1), search(2)

    assert_array_equal(
        parallel.cv_results_["mean_test_score"], serial.cv_results_["mean_test_score"]
    )
    assert parallel.best_params_ == serial.best_params_
    assert np.all(np.isfinite(serial.cv_results_["mean_test_score"]))


def test_cross_val_score_matches_manual_folds():
    scores = cross_val_score(clone(BASE), X_DIGITS, cv=KFold(3))

    expected = [
        clone(BASE).fit(X_DIGITS[train]).score(X_DIGITS[test])
        for train, test in KFold(3).split(X_DIGITS)
    ]
    assert_array_equal(scores, expected)


def make_pipeline():
    return Pipeline(
        [
            ("helmholtz", HelmholtzMachine(hidden_layer_sizes=(8,), max_iter=5, random_state=0)),
            ("logistic", LogisticRegression(max_iter=1000)),
        ]
    )


def test_pipeline_features_classify():
    pipeline = make_pipeline().fit(X_DIGITS, Y_DIGITS)

    features = pipeline["helmholtz"].transform(X_DIGITS)
    assert features.shape == (300, 8)
    assert_array_equal(pipeline.predict(X_DIGITS), pipeline["logistic"].predict(features))
    # Chance accuracy on ten classes is 0.1.
    assert pipeline.score(X_DIGITS, Y_DIGITS) > 0.3


def test_pipeline_grid_search_processes():
    grid = {"helmholtz__hidden_layer_sizes": [(4,), (8,)], "helmholtz__batch_size": [5, 20]}

    serial = GridSearchCV(make_pipeline(), grid, cv=2).fit(X_DIGITS, Y_DIGITS)
    parallel = GridSearchCV(make_pipeline(), grid, cv=2, n_jobs=2).fit(X_DIGITS, Y_DIGITS)

    assert_array_equal(
        parallel.cv_results_["mean_test_score"], serial.cv_results_["mean_test_score"]
    )
    assert parallel.best_params_ == serial.best_params_


def test_clone_unfitted_same_params():
    fitted = clone(BASE).set_params(hidden_layer_sizes=(5, 2)).fit(X_DIGITS)

    copy = clone(fitted)

    assert copy.get_params() == fitted.get_params()
    assert not hasattr(copy, "generative_coefs_")
    assert not hasattr(copy, "n_features_in_")


def test_set_params_then_fit_in_pipeline():
    pipeline = make_pipeline().fit(X_DIGITS, Y_DIGITS)
    fresh = make_pipeline().set_params(helmholtz__hidden_layer_sizes=(6, 3))

    pipeline.set_params(helmholtz__hidden_layer_sizes=(6, 3)).fit(X_DIGITS, Y_DIGITS)
    fresh.fit(X_DIGITS, Y_DIGITS)

    assert pipeline["helmholtz"].transform(X_DIGITS).shape == (300, 9)
    assert_array_equal(pipeline.predict_proba(X_DIGITS), fresh.predict_proba(X_DIGITS))


@pytest.fixture(scope="module")
def fitted_machine():
    return HelmholtzMachine(hidden_layer_sizes=(6, 3), max_iter=3, random_state=0).fit(X_DIGITS)


def assert_same_outputs(loaded, original):
    assert_array_equal(loaded.score_samples(X_DIGITS), original.score_samples(X_DIGITS))
    assert_array_equal(loaded.transform(X_DIGITS), original.transform(X_DIGITS))
    assert_array_equal(loaded.sample(20, random_state=1), original.sample(20, random_state=1))
    # The estimator's own random stream is saved too.
    assert_array_equal(loaded.sample(20), original.sample(20))


def test_pickle_pipeline_round_trip():
    pipeline = make_pipeline().fit(X_DIGITS, Y_DIGITS)

    loaded = pickle.loads(pickle.dumps(pipeline))

    assert_array_equal(loaded.predict_proba(X_DIGITS), pipeline.predict_proba(X_DIGITS))
    assert_same_outputs(loaded["helmholtz"], pipeline["helmholtz"])


def test_skops_round_trip(fitted_machine, tmp_path):
    sio = pytest.importorskip("skops.io")
    path = tmp_path / "machine.skops"
    original = clone(fitted_machine).fit(X_DIGITS)

    sio.dump(original, path)
    untrusted = sio.get_untrusted_types(file=path)
    loaded = sio.load(path, trusted=untrusted)

    assert all(name.startswith("sk_helmholtz.") for name in untrusted), untrusted
    assert_same_outputs(loaded, original)


def test_skops_pipeline_round_trip():
    sio = pytest.importorskip("skops.io")
    pipeline = make_pipeline().fit(X_DIGITS, Y_DIGITS)

    data = sio.dumps(pipeline)
    loaded = sio.loads(data, trusted=sio.get_untrusted_types(data=data))

    assert_array_equal(loaded.predict_proba(X_DIGITS), pipeline.predict_proba(X_DIGITS))


def test_grid_search_on_dask_cluster(process_search):
    distributed = pytest.importorskip("distributed")

    # A cluster of two worker processes on this machine's loopback interface
    # only. The context managers shut the workers and the scheduler down.
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster, distributed.Client(cluster) as client:
        assert client.scheduler.address.startswith("tcp://127.0.0.1:")
        with joblib.parallel_config(backend="dask"):
            on_dask = grid_search(n_jobs=-1).fit(X_DIGITS)

    assert_array_equal(
        on_dask.cv_results_["mean_test_score"], process_search.cv_results_["mean_test_score"]
    )
    assert on_dask.best_params_ == process_search.best_params_
    assert_array_equal(
        on_dask.best_estimator_.score_samples(X_DIGITS),
        process_search.best_estimator_.score_samples(X_DIGITS),
    )

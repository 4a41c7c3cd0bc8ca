"""Select a Helmholtz machine for scikit-learn's digits, then use it as features.

Steps:

1. Load the 8x8 digits and scale the pixels from 0..16 to [0, 1]. The
   estimator's default ``binarize=0.5`` then turns each pixel into one bit.
2. Choose ``hidden_layer_sizes`` and ``learning_rate`` with ``GridSearchCV``
   on the training rows. No ``scoring`` is given, so the search ranks the
   candidates by ``HelmholtzMachine.score``: the mean exact log-likelihood
   of the held-out folds.
3. Report the chosen machine's log-likelihood on the test rows.
4. Classify the digits with a logistic regression on the machine's
   recognition probabilities, and on the scaled pixels for comparison.

``--quick`` shrinks the grid, the folds and the training epochs so that the
script finishes in a few seconds. Its numbers then only show that every step
runs.
"""

import argparse
import time

from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import Pipeline

from sk_helmholtz import HelmholtzMachine

FULL_SETTINGS = {
    "param_grid": {"hidden_layer_sizes": [(10,), (16,)], "learning_rate": [0.05, 0.1]},
    "cv": 3,
    "max_iter": 50,
}
QUICK_SETTINGS = {
    "param_grid": {"hidden_layer_sizes": [(4,), (6,)], "learning_rate": [0.1]},
    "cv": 2,
    "max_iter": 3,
}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=(
            "Select a Helmholtz machine for the digits by held-out "
            "log-likelihood and use it as features for a classifier."
        ),
    )
    parser.add_argument(
        "--quick", action="store_true",
        help="use a smaller grid, 2 folds and 3 epochs (a smoke test of a few seconds)",
    )
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    settings = QUICK_SETTINGS if args.quick else FULL_SETTINGS
    start = time.perf_counter()

    X, y = load_digits(return_X_y=True)
    X = X / 16
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    print(
        f"digits: {X_train.shape[0]} training and {X_test.shape[0]} test rows "
        f"of {X.shape[1]} pixels"
    )

    print(f"grid search over {settings['param_grid']} with {settings['cv']} folds")
    base = HelmholtzMachine(max_iter=settings["max_iter"], random_state=0)
    search = GridSearchCV(base, settings["param_grid"], cv=settings["cv"])
    search.fit(X_train)
    print(f"best parameters: {search.best_params_}")
    print(f"best cross-validated log-likelihood: {search.best_score_:.2f} nats per row")

    # GridSearchCV refits the best candidate on all training rows.
    test_log_likelihood = search.best_estimator_.score(X_test)
    print(f"held-out test log-likelihood: {test_log_likelihood:.2f} nats per row")

    pipeline = Pipeline(
        [
            ("helmholtz", clone(search.best_estimator_)),
            ("logistic", LogisticRegression(max_iter=1000)),
        ]
    )
    pipeline.fit(X_train, y_train)
    n_features = len(pipeline["helmholtz"].get_feature_names_out())
    print(
        f"test accuracy, logistic regression on {n_features} recognition "
        f"probabilities: {pipeline.score(X_test, y_test):.3f}"
    )

    pixel_classifier = LogisticRegression(max_iter=1000).fit(X_train, y_train)
    print(
        f"test accuracy, logistic regression on {X.shape[1]} pixels scaled to [0, 1]: "
        f"{pixel_classifier.score(X_test, y_test):.3f}"
    )
    print(f"took {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()

"""scikit-learn's estimator checks, with no expected failures."""

import pytest
from sklearn.utils.estimator_checks import (
    check_dataframe_column_names_consistency,
    check_param_validation,
    check_set_output_transform,
    check_transformer_get_feature_names_out,
    check_transformer_get_feature_names_out_pandas,
    parametrize_with_checks,
)

from sk_helmholtz import HelmholtzMachine, HelmholtzMachineEstimator


# Some checks fit data centred on 100, which the default threshold of 0.5
# turns into all ones. The warning that this raises is expected there.
@pytest.mark.filterwarnings("ignore:binarize=0.5 turns every value of X:UserWarning")
@parametrize_with_checks([HelmholtzMachine()])
def test_sklearn_compatible(estimator, check):
    check(estimator)


@pytest.mark.parametrize(
    "check",
    [
        check_dataframe_column_names_consistency,
        check_param_validation,
        check_set_output_transform,
        check_transformer_get_feature_names_out,
        check_transformer_get_feature_names_out_pandas,
    ],
    ids=lambda check: check.__name__,
)
def test_extra_sklearn_checks(check):
    check(type(HelmholtzMachine()).__name__, HelmholtzMachine())


def test_alias_is_same_class():
    assert HelmholtzMachineEstimator is HelmholtzMachine

"""Every public name has a numpydoc docstring with a runnable Examples section.

``--doctest-modules`` runs the examples; this test checks that they and the
other numpydoc sections exist.
"""

import inspect
import re

import pytest

import sk_helmholtz
from sk_helmholtz import bars, demo

SECTION = re.compile(r"^(\w[\w ]*)\n-+$", re.MULTILINE)


def public_callables():
    """Return (qualified name, object) of every public function, class and method."""
    names = [("sk_helmholtz.HelmholtzMachine", sk_helmholtz.HelmholtzMachine)]
    for name, member in vars(sk_helmholtz.HelmholtzMachine).items():
        if not name.startswith("_") and inspect.isfunction(member):
            names.append((f"sk_helmholtz.HelmholtzMachine.{name}", member))
    for module in (bars, demo):
        for name, member in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(member):
                continue
            if member.__module__ == module.__name__:
                names.append((f"{module.__name__}.{name}", member))
    return names


def sections(obj):
    """Return the numpydoc section titles of the docstring of ``obj``."""
    return SECTION.findall(inspect.getdoc(obj) or "")


def test_public_names_found():
    names = [name for name, _ in public_callables()]

    assert "sk_helmholtz.HelmholtzMachine.fit" in names
    assert "sk_helmholtz.bars.bars_world" in names
    assert "sk_helmholtz.demo.pattern_table" in names


@pytest.mark.parametrize(
    "obj", [obj for _, obj in public_callables()], ids=[name for name, _ in public_callables()]
)
def test_numpydoc_sections(obj):
    found = sections(obj)
    parameters = [
        name for name in inspect.signature(obj).parameters if name not in ("self", "cls")
    ]

    assert "Examples" in found, found
    assert ">>>" in obj.__doc__.split("Examples")[-1]
    if parameters:
        assert "Parameters" in found, found
    if inspect.isfunction(obj):
        assert "Returns" in found, found


def test_alias_documented():
    assert sk_helmholtz.HelmholtzMachineEstimator.__doc__ == sk_helmholtz.HelmholtzMachine.__doc__

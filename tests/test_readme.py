"""Every ```python block of README.md runs without error or warning."""

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
PYTHON_BLOCK = re.compile(r"^```python\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def python_blocks():
    """Return (first line number, source) of each ```python block of the README."""
    text = README.read_text(encoding="utf-8")
    blocks = []
    for match in PYTHON_BLOCK.finditer(text):
        first_line = text.count("\n", 0, match.start(1)) + 1
        blocks.append((first_line, match.group(1)))
    return blocks


def test_readme_has_python_blocks():
    assert len(python_blocks()) >= 1


@pytest.mark.parametrize(
    ("first_line", "source"),
    [pytest.param(*block, id=f"line{block[0]}") for block in python_blocks()],
)
def test_readme_block_runs(first_line, source):
    # Blank lines before the block keep traceback line numbers equal to
    # README line numbers.
    code = compile("\n" * (first_line - 1) + source, str(README), "exec")
    exec(code, {"__name__": "readme_block"})

"""Progress lines, early stopping, the ConvergenceWarning and the progress bar."""

import io
import os
import re
import struct
import subprocess
import sys
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_array_equal
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning

from sk_helmholtz import HelmholtzMachine
from sk_helmholtz import _monitor
from sk_helmholtz._monitor import split_validation

X_DIGITS = load_digits().data[:600] / 16
EPOCH_LINE = re.compile(
    r"^\[HelmholtzMachine\] Iteration (\d+), free energy = \d+\.\d{4} nats per row"
    r"(, held-out log-likelihood = -\d+\.\d{4} nats per row)?, time = \d+\.\d\ds$"
)
LAYER_LINE = re.compile(
    r"^    layer (\d) \((\d+) units\):( mean p_R\(on\) = [01]\.\d{3},)? mean \|generative "
    r"weight\| = \d+\.\d{4}, mean \|recognition weight\| = \d+\.\d{4}$"
)
PARAMS = {"hidden_layer_sizes": (6, 3), "random_state": 0}


def output_lines(capsys):
    return capsys.readouterr().out.splitlines()


def test_verbose_one_line_per_epoch(capsys):
    HelmholtzMachine(**PARAMS, max_iter=3, verbose=1).fit(X_DIGITS)

    lines = output_lines(capsys)
    assert len(lines) == 3
    for epoch, line in enumerate(lines, start=1):
        match = EPOCH_LINE.match(line)
        assert match is not None, line
        assert int(match.group(1)) == epoch
        assert match.group(2) is None


def test_verbose_two_layer_statistics(capsys):
    HelmholtzMachine(**PARAMS, max_iter=2, verbose=2).fit(X_DIGITS)

    lines = output_lines(capsys)
    assert len(lines) == 2 * 3
    assert EPOCH_LINE.match(lines[0]).group(2) is None
    assert LAYER_LINE.match(lines[1]).groups()[:2] == ("1", "6")
    assert LAYER_LINE.match(lines[2]).groups()[:2] == ("2", "3")
    assert LAYER_LINE.match(lines[2]).group(3) is not None


def test_verbose_two_held_out_score(capsys):
    model = HelmholtzMachine(
        **PARAMS, max_iter=2, verbose=2, early_stopping=True, n_iter_no_change=5
    )
    with pytest.warns(ConvergenceWarning):
        model.fit(X_DIGITS)

    lines = output_lines(capsys)
    epoch_lines = [line for line in lines if line.startswith("[")]
    assert len(epoch_lines) == 2
    for line, score in zip(epoch_lines, model.validation_scores_):
        match = EPOCH_LINE.match(line)
        assert match is not None, line
        assert f"held-out log-likelihood = {score:.4f} nats" in line


def test_verbose_partial_fit_prints_epoch(capsys):
    model = HelmholtzMachine(**PARAMS, verbose=1)

    model.partial_fit(X_DIGITS)
    model.partial_fit(X_DIGITS)

    lines = output_lines(capsys)
    assert [EPOCH_LINE.match(line).group(1) for line in lines] == ["1", "2"]


def test_quiet_by_default(capsys):
    HelmholtzMachine(**PARAMS, max_iter=2).fit(X_DIGITS)

    assert capsys.readouterr().out == ""


def test_early_stopping_stops_and_keeps_best():
    model = HelmholtzMachine(
        hidden_layer_sizes=(8,),
        learning_rate=0.3,
        max_iter=200,
        early_stopping=True,
        n_iter_no_change=3,
        random_state=0,
    )

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.fit(X_DIGITS)

    assert model.n_iter_ < 200
    assert len(model.validation_scores_) == model.n_iter_
    assert len(model.loss_curve_) == model.n_iter_
    assert model.best_validation_score_ == max(model.validation_scores_)
    assert model.best_loss_ is None
    best_epoch = int(np.argmax(model.validation_scores_))
    assert model.n_iter_ - 1 - best_epoch >= 3
    # The kept parameters are those of the best epoch: they score the
    # held-out rows exactly as recorded then.
    _, X_val = split_validation((X_DIGITS > 0.5).astype(float), 0.1, 0)
    assert model.score(X_val) == pytest.approx(model.best_validation_score_, rel=1e-12)


def test_early_stopping_tol_counts_epochs():
    # No rise reaches a tolerance of 100 nats, so the fit stops after the
    # first epoch plus n_iter_no_change epochs without improvement.
    model = HelmholtzMachine(
        **PARAMS, max_iter=50, early_stopping=True, n_iter_no_change=4, tol=100.0
    )

    model.fit(X_DIGITS)

    assert model.n_iter_ == 5


def test_max_iter_warns_with_advice():
    model = HelmholtzMachine(**PARAMS, max_iter=3, early_stopping=True)

    with pytest.warns(ConvergenceWarning) as record:
        model.fit(X_DIGITS)

    message = str(record[0].message)
    assert "ran max_iter=3 epochs" in message
    assert "n_iter_no_change=10" in message
    assert "Increase max_iter" in message
    assert model.n_iter_ == 3


@pytest.mark.parametrize("n_init", [1, 2])
def test_convergence_warning_points_at_caller(n_init):
    model = HelmholtzMachine(
        **PARAMS, max_iter=2, early_stopping=True, n_init=n_init, warm_start=True
    )

    with pytest.warns(ConvergenceWarning) as record:
        model.fit(X_DIGITS)
    with pytest.warns(ConvergenceWarning) as warm_record:
        model.fit(X_DIGITS)

    assert record[0].filename == __file__
    assert warm_record[0].filename == __file__


def test_single_epoch_warning_says_epoch():
    model = HelmholtzMachine(**PARAMS, max_iter=1, early_stopping=True)

    with pytest.warns(ConvergenceWarning, match="ran max_iter=1 epoch while"):
        model.fit(X_DIGITS)


def test_restarts_warn_once_about_the_kept_machine():
    model = HelmholtzMachine(**PARAMS, max_iter=2, early_stopping=True, n_init=3)

    with pytest.warns(ConvergenceWarning) as record:
        model.fit(X_DIGITS)

    assert len(record) == 1
    message = str(record[0].message)
    assert f"best {model.best_validation_score_:.4f} nats per row" in message
    assert "best of n_init=3 initialisations" in message


def test_no_early_stopping_runs_max_iter():
    plain = HelmholtzMachine(**PARAMS, max_iter=4)
    explicit = HelmholtzMachine(
        **PARAMS, max_iter=4, early_stopping=False, n_iter_no_change=1, tol=100.0
    )

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        plain.fit(X_DIGITS)
        explicit.fit(X_DIGITS)

    assert plain.n_iter_ == 4
    assert plain.validation_scores_ is None
    assert plain.best_validation_score_ is None
    assert plain.best_loss_ == min(plain.loss_curve_)
    for first, second in zip(plain.generative_coefs_, explicit.generative_coefs_):
        assert_array_equal(first, second)


def test_partial_fit_ignores_early_stopping():
    model = HelmholtzMachine(**PARAMS, early_stopping=True, n_iter_no_change=1)

    model.partial_fit(X_DIGITS)

    assert model.n_iter_ == 1
    assert model.validation_scores_ is None
    assert model.best_loss_ == model.loss_curve_[0]


def test_early_stopping_sparse_matches_dense():
    params = {
        **PARAMS,
        "learning_rate": 0.3,
        "max_iter": 200,
        "early_stopping": True,
        "n_iter_no_change": 2,
    }

    dense = HelmholtzMachine(**params).fit(X_DIGITS)
    sparse = HelmholtzMachine(**params).fit(sp.csr_matrix(X_DIGITS))

    assert sparse.n_iter_ == dense.n_iter_
    assert sparse.validation_scores_ == pytest.approx(dense.validation_scores_, rel=1e-12)


def test_validation_split_disjoint_and_ordered():
    X = np.arange(40, dtype=float).reshape(20, 2)

    X_train, X_val = split_validation(X, 0.25, 3)

    assert X_val.shape == (5, 2)
    assert X_train.shape == (15, 2)
    rows = np.concatenate([X_train[:, 0], X_val[:, 0]])
    assert sorted(rows) == list(X[:, 0])
    assert np.all(np.diff(X_train[:, 0]) > 0)
    assert np.all(np.diff(X_val[:, 0]) > 0)


def test_validation_split_too_few_rows():
    model = HelmholtzMachine(**PARAMS, early_stopping=True, validation_fraction=0.9)

    with pytest.raises(ValueError) as raised:
        model.fit(X_DIGITS[:5])

    message = str(raised.value)
    assert "validation_fraction=0.9 would hold out all 5 rows" in message
    assert "early_stopping=False" in message


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


@pytest.fixture
def long_fit_threshold(monkeypatch):
    """Treat every fit as long, so the progress-bar condition is the terminal."""
    pytest.importorskip("tqdm")
    monkeypatch.setattr(_monitor, "PROGRESS_BAR_SECONDS", 0.0)


def test_progress_bar_on_terminal(long_fit_threshold, monkeypatch):
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stdout", terminal)

    HelmholtzMachine(**PARAMS, max_iter=4, verbose=1).fit(X_DIGITS)

    output = terminal.getvalue()
    assert "HelmholtzMachine:" in output
    assert "epoch" in output
    assert len(re.findall(r"Iteration \d+,", output)) == 4


def test_no_progress_bar_without_terminal(long_fit_threshold, capsys):
    HelmholtzMachine(**PARAMS, max_iter=4).fit(X_DIGITS)

    assert capsys.readouterr().out == ""


def test_no_progress_bar_without_tqdm(long_fit_threshold, monkeypatch):
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    monkeypatch.setattr(_monitor, "tqdm", None)

    HelmholtzMachine(**PARAMS, max_iter=4).fit(X_DIGITS)

    assert terminal.getvalue() == ""


def test_no_progress_bar_short_fit(monkeypatch):
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stdout", terminal)

    HelmholtzMachine(**PARAMS, max_iter=4).fit(X_DIGITS)

    assert terminal.getvalue() == ""


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_progress_bar_in_pseudo_terminal():
    pytest.importorskip("tqdm")
    fcntl = pytest.importorskip("fcntl")
    termios = pytest.importorskip("termios")
    script = (
        "import numpy as np\n"
        "from sk_helmholtz import HelmholtzMachine, _monitor\n"
        "_monitor.PROGRESS_BAR_SECONDS = 0.0\n"
        "X = (np.random.default_rng(0).random((200, 8)) > 0.5).astype(float)\n"
        "HelmholtzMachine((4,), max_iter=5, random_state=0).fit(X)\n"
        "print('done')\n"
    )
    controller, terminal = os.openpty()
    # A new pseudo-terminal has 0 columns, in which tqdm draws nothing.
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    try:
        process = subprocess.run(
            [sys.executable, "-W", "error", "-c", script],
            stdout=terminal,
            stderr=subprocess.PIPE,
            timeout=120,
        )
    finally:
        os.close(terminal)
    output = b""
    try:
        while chunk := os.read(controller, 4096):
            output += chunk
    except OSError:  # Linux raises EIO once the terminal side is closed and read out.
        pass
    finally:
        os.close(controller)

    text = output.decode()
    assert process.returncode == 0, process.stderr.decode()
    assert "HelmholtzMachine:" in text
    assert re.search(r"\d/5 \[", text), text
    assert text.rstrip().endswith("done")

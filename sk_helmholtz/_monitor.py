"""Early stopping, progress lines and the progress bar of the training loop."""

import sys
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from ._network import recognition_means
from ._sparse import dense_rows
from ._validation import as_generator, caller_stacklevel

try:
    from tqdm.auto import tqdm
except ImportError:  # tqdm is optional: without it no progress bar is shown
    tqdm = None

# A fit whose first epoch times max_iter exceeds this many seconds shows a
# progress bar, when tqdm is installed and standard output is a terminal.
PROGRESS_BAR_SECONDS = 10.0

# Rows whose recognition probabilities give the per-layer statistics of
# verbose=2; more would make each report cost a noticeable share of an epoch.
STATISTICS_ROWS = 1000

def split_validation(X, validation_fraction, random_state):
    """Return (X_train, X_val), holding out a random ``validation_fraction`` of rows.

    The held-out share is rounded up, as ``train_test_split`` rounds it.
    Both parts keep the original row order.
    """
    n_rows = X.shape[0]
    n_val = int(np.ceil(validation_fraction * n_rows))
    if n_val >= n_rows:
        raise ValueError(
            f"validation_fraction={validation_fraction} would hold out all "
            f"{n_rows} rows of X and leave none to train on. Pass more rows, a "
            "smaller validation_fraction, or early_stopping=False."
        )
    order = as_generator(random_state).permutation(n_rows)
    return X[np.sort(order[n_val:])], X[np.sort(order[:n_val])]


class EpochMonitor:
    """Track the epochs of one training run: report, stop early, show progress.

    ``score_held_out`` returns the mean log-likelihood of the held-out rows
    under the current parameters, or is None when no rows are held out.
    ``X_statistics`` contains the rows for the per-layer statistics of verbose=2.
    A run of ``max_epochs > 1`` epochs may show a progress bar.
    """

    def __init__(self, estimator, score_held_out=None, X_statistics=None, max_epochs=1):
        self.estimator = estimator
        self.score_held_out = score_held_out
        self.X_statistics = X_statistics
        self.max_epochs = max_epochs
        self.validation_scores = [] if score_held_out is not None else None
        self.best_score = -np.inf
        self.best_parameters = None
        self.epochs_without_improvement = 0
        self.n_epochs = 0
        self.progress_bar = None

    def end_epoch(self, seconds):
        """Record an epoch that took ``seconds``, and return True when training should stop."""
        self.n_epochs += 1
        score = None
        if self.score_held_out is not None:
            score = self.score_held_out()
            self._record_score(score)
        self._report(seconds, score)
        self._advance_progress_bar(seconds)
        return (
            self.score_held_out is not None
            and self.epochs_without_improvement >= self.estimator.n_iter_no_change
        )

    def finish(self, stopped, warn=True):
        """Close the progress bar, keep the best parameters and set the attributes.

        With held-out rows the estimator gets the parameters of its best
        epoch. It also gets a ConvergenceWarning, if ``warn`` is True, when
        ``max_iter`` ended the run (``stopped`` is False) while the held-out
        score still improved.
        """
        self.close_progress_bar()
        estimator = self.estimator
        estimator.validation_scores_ = self.validation_scores
        if self.score_held_out is None:
            estimator.best_validation_score_ = None
            estimator.best_loss_ = float(np.min(estimator.loss_curve_))
            return
        estimator.best_validation_score_ = self.best_score
        estimator.best_loss_ = None
        # No best parameters exist only when every held-out score was -inf.
        for name, values in (self.best_parameters or {}).items():
            setattr(estimator, name, values)
        if not stopped and warn:
            warnings.warn(
                convergence_message(estimator), ConvergenceWarning,
                stacklevel=caller_stacklevel(),
            )

    def _record_score(self, score):
        if score < self.best_score + self.estimator.tol:
            self.epochs_without_improvement += 1
        else:
            self.epochs_without_improvement = 0
        if score > self.best_score:
            self.best_score = score
            self.best_parameters = {
                name: [param.copy() for param in values]
                for name, values in vars(self.estimator).items()
                if name.endswith(("_coefs_", "_intercepts_"))
            }
        self.validation_scores.append(score)

    def _report(self, seconds, score):
        estimator = self.estimator
        if not estimator.verbose:
            return
        line = (
            f"[{type(estimator).__name__}] Iteration {estimator.n_iter_}, "
            f"free energy = {estimator.loss_curve_[-1]:.4f} nats per row"
        )
        if estimator.verbose >= 2 and score is not None:
            line += f", held-out log-likelihood = {score:.4f} nats per row"
        lines = [f"{line}, time = {seconds:.2f}s"]
        if estimator.verbose >= 2:
            lines.extend(self._layer_statistics())
        for text in lines:
            self._print(text)

    def _layer_statistics(self):
        """Return one line per hidden layer: mean activation and weight sizes."""
        estimator = self.estimator
        if self.X_statistics is None:
            means = [None] * len(estimator.recognition_coefs_)
        else:
            X = dense_rows(self.X_statistics, slice(0, STATISTICS_ROWS))
            X = X.astype(estimator.recognition_coefs_[0].dtype, copy=False)
            means = recognition_means(
                estimator.recognition_coefs_, estimator.recognition_intercepts_, X
            )
        lines = []
        for index, layer_means in enumerate(means):
            generative = np.abs(estimator.generative_coefs_[index]).mean()
            recognition = np.abs(estimator.recognition_coefs_[index]).mean()
            n_units = estimator.recognition_coefs_[index].shape[1]
            text = f"    layer {index + 1} ({n_units} units):"
            if layer_means is not None:
                text += f" mean p_R(on) = {layer_means.mean():.3f},"
            text += (
                f" mean |generative weight| = {generative:.4f},"
                f" mean |recognition weight| = {recognition:.4f}"
            )
            lines.append(text)
        return lines

    def _print(self, text):
        if self.progress_bar is not None:
            self.progress_bar.write(text, file=sys.stdout)
        else:
            print(text, flush=True)

    def close_progress_bar(self):
        if self.progress_bar is not None:
            self.progress_bar.close()
            self.progress_bar = None

    def _advance_progress_bar(self, seconds):
        """Update the bar, or open it after the first epoch of a long run."""
        if self.progress_bar is not None:
            self.progress_bar.update(1)
            return
        if self.n_epochs != 1 or self.max_epochs <= 1:
            return
        if not _show_progress_bar(seconds * self.max_epochs):
            return
        self.progress_bar = tqdm(
            total=self.max_epochs,
            initial=1,
            desc=type(self.estimator).__name__,
            unit="epoch",
            file=sys.stdout,
            leave=False,
        )


def convergence_message(estimator):
    """Return the ConvergenceWarning text for a run that used all max_iter epochs."""
    best_epoch = int(np.argmax(estimator.validation_scores_)) + 1
    epochs = "epoch" if estimator.max_iter == 1 else "epochs"
    return (
        f"{type(estimator).__name__} ran max_iter={estimator.max_iter} {epochs} "
        "while its held-out log-likelihood still rose by more than "
        f"tol={estimator.tol} within the last n_iter_no_change="
        f"{estimator.n_iter_no_change} epochs (best "
        f"{estimator.best_validation_score_:.4f} nats per row, in epoch "
        f"{best_epoch} of this fit). Increase max_iter to train until it stops "
        "improving, or raise learning_rate to get there in fewer epochs."
    )


def _show_progress_bar(expected_seconds):
    """Return True when a fit of ``expected_seconds`` should show a progress bar."""
    if tqdm is None or expected_seconds <= PROGRESS_BAR_SECONDS:
        return False
    isatty = getattr(sys.stdout, "isatty", None)
    return bool(isatty is not None and isatty())


def run_monitored_epochs(
    estimator, X, run_epoch, max_epochs, score_held_out_rows=None, validation_split=None,
    warn=True,
):
    """Run up to ``max_epochs`` epochs of ``run_epoch(X_train)`` under an EpochMonitor.

    With ``early_stopping`` and a ``score_held_out_rows`` function, a
    ``validation_fraction`` of the rows of X is held out and
    ``score_held_out_rows(X_val)`` scores them after each epoch;
    ``validation_split``, when given, is the ``(X_train, X_val)`` pair to
    use instead of a new split of X. Otherwise every row trains and exactly
    ``max_epochs`` epochs run. Returns True when held-out rows were scored
    and ``max_epochs`` ended the run before early stopping did; ``warn``
    then also raises a ConvergenceWarning.
    """
    if estimator.early_stopping and score_held_out_rows is not None:
        if validation_split is None:
            validation_split = split_validation(
                X, estimator.validation_fraction, estimator.random_state
            )
        X_train, X_val = validation_split
        monitor = EpochMonitor(
            estimator, lambda: score_held_out_rows(X_val), X_val, max_epochs
        )
    else:
        X_train = X
        monitor = EpochMonitor(estimator, None, X, max_epochs)

    stopped = False
    try:
        for _ in range(max_epochs):
            start = time.perf_counter()
            run_epoch(X_train)
            if monitor.end_epoch(time.perf_counter() - start):
                stopped = True
                break
    finally:
        monitor.close_progress_bar()
    monitor.finish(stopped, warn)
    return monitor.score_held_out is not None and not stopped

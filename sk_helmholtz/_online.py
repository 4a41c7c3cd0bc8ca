"""Online wake-sleep (one row per update), compiled with numba when installed.

With ``batch_size=1`` every update works on vectors of a few units, so the
numpy path spends its time in Python and ufunc call overhead rather than in
arithmetic. When numba is installed, ``run_online_epoch`` runs a whole
epoch in one compiled loop. Both paths consume the same uniform numbers in
the same order (per row: the wake phase draws layers 1..L bottom-up, the
sleep phase draws layers L..0 top-down), so they train the same model up to
rounding differences of the sigmoid.
"""

import numpy as np

try:
    import numba
except ImportError:  # numba is optional: the numpy path below is complete
    numba = None

from ._exact import rows_per_chunk
from ._sparse import dense_rows
from ._wake_sleep import wake_sleep_step

# Most rows whose uniform numbers are drawn in one call of the generator.
# The generator yields one stream however the calls divide it, so without
# input noise the chunk size never changes the model.
_ROWS_PER_DRAW = 4096


def compiled_available():
    """Return True when numba is installed, so the compiled loop can run."""
    return numba is not None


def _online_epoch_kernel(X, gen_coefs, gen_intercepts, rec_coefs, rec_intercepts,
                         rates, uniforms):
    """Run one update per row of X in place; return the summed free energy."""
    n_layers = len(gen_coefs)
    dtype = X.dtype
    # Uniforms of one row: the wake phase's hidden layers, then the sleep
    # phase's top layer down to the data layer.
    wake_states = [np.empty(gen_coefs[i].shape[0], dtype=dtype) for i in range(n_layers)]
    sleep_states = [np.empty(gen_intercepts[i].shape[0], dtype=dtype)
                    for i in range(n_layers + 1)]
    total = 0.0
    for row in range(X.shape[0]):
        draw = 0
        x = X[row]
        free_energy = 0.0

        # Wake phase: sample an explanation bottom-up.
        below = x
        for i in range(n_layers):
            state = wake_states[i]
            coef = rec_coefs[i]
            intercept = rec_intercepts[i]
            for j in range(state.shape[0]):
                a = intercept[j]
                for k in range(below.shape[0]):
                    a += below[k] * coef[k, j]
                p = 0.5 + 0.5 * np.tanh(0.5 * a)
                state[j] = 1.0 if uniforms[row, draw] < p else 0.0
                draw += 1
                free_energy += state[j] * a - (max(a, 0.0) + np.log1p(np.exp(-abs(a))))
            below = state

        # Generative errors of every layer, with the parameters before the
        # update, then the delta-rule step.
        top = wake_states[n_layers - 1]
        top_b = gen_intercepts[n_layers]
        for j in range(top.shape[0]):
            a = top_b[j]
            free_energy -= top[j] * a - (max(a, 0.0) + np.log1p(np.exp(-abs(a))))
            top_b[j] += rates[n_layers - 1] * (top[j] - (0.5 + 0.5 * np.tanh(0.5 * a)))
        for i in range(n_layers):
            lower = x if i == 0 else wake_states[i - 1]
            upper = wake_states[i]
            coef = gen_coefs[i]
            intercept = gen_intercepts[i]
            for j in range(lower.shape[0]):
                a = intercept[j]
                for k in range(upper.shape[0]):
                    a += upper[k] * coef[k, j]
                free_energy -= lower[j] * a - (max(a, 0.0) + np.log1p(np.exp(-abs(a))))
                error = rates[i] * (lower[j] - (0.5 + 0.5 * np.tanh(0.5 * a)))
                intercept[j] += error
                for k in range(upper.shape[0]):
                    coef[k, j] += error * upper[k]
        total += free_energy

        # Sleep phase: dream top-down with the updated generative network.
        for j in range(sleep_states[n_layers].shape[0]):
            p = 0.5 + 0.5 * np.tanh(0.5 * top_b[j])
            sleep_states[n_layers][j] = 1.0 if uniforms[row, draw] < p else 0.0
            draw += 1
        for i in range(n_layers - 1, -1, -1):
            upper = sleep_states[i + 1]
            state = sleep_states[i]
            coef = gen_coefs[i]
            intercept = gen_intercepts[i]
            for j in range(state.shape[0]):
                a = intercept[j]
                for k in range(upper.shape[0]):
                    a += upper[k] * coef[k, j]
                p = 0.5 + 0.5 * np.tanh(0.5 * a)
                state[j] = 1.0 if uniforms[row, draw] < p else 0.0
                draw += 1

        # Recognition errors of the dream, then the delta-rule step.
        for i in range(n_layers):
            lower = sleep_states[i]
            upper = sleep_states[i + 1]
            coef = rec_coefs[i]
            intercept = rec_intercepts[i]
            for j in range(upper.shape[0]):
                a = intercept[j]
                for k in range(lower.shape[0]):
                    a += lower[k] * coef[k, j]
                error = rates[i] * (upper[j] - (0.5 + 0.5 * np.tanh(0.5 * a)))
                intercept[j] += error
                for k in range(lower.shape[0]):
                    coef[k, j] += error * lower[k]
    return total


if numba is not None:
    _compiled_kernel = numba.njit(cache=True)(_online_epoch_kernel)


def _typed(arrays):
    typed = numba.typed.List()
    for array in arrays:
        typed.append(array)
    return typed


def run_online_epoch(model, X, rates, rng, compiled=True, add_noise=None):
    """Update ``model`` once per row of X; return the summed free energy.

    ``model`` is the dict of parameter lists that ``wake_sleep_step`` takes.
    With ``compiled=True`` and numba installed the whole epoch runs in one
    compiled loop; otherwise each row goes through ``wake_sleep_step``. X
    may be a sparse matrix, whose rows are densified a chunk at a time.
    ``add_noise(rows, first_row, n_rows)``, when given, returns the dense
    rows that start at ``first_row`` with input noise added.
    """
    n_rows, n_features = X.shape
    if add_noise is None:
        def add_noise(rows, first_row, n_rows):
            return rows

    n_hidden = sum(coef.shape[0] for coef in model["gen_coefs"])
    draws_per_row = 2 * n_hidden + n_features
    row_bytes = (n_features + draws_per_row) * X.dtype.itemsize
    chunk_rows = min(_ROWS_PER_DRAW, rows_per_chunk(row_bytes, n_rows))
    compiled = compiled and numba is not None
    if compiled:
        params = [_typed(model[name]) for name in
                  ("gen_coefs", "gen_intercepts", "rec_coefs", "rec_intercepts")]
        rates = np.asarray(rates, dtype=X.dtype)
    total = 0.0
    # Both paths draw the noise of a chunk first and then each row's
    # uniforms in turn, so they consume the random stream alike.
    for start in range(0, n_rows, chunk_rows):
        chunk = add_noise(dense_rows(X, slice(start, start + chunk_rows)), start, n_rows)
        if not compiled:
            total += sum(wake_sleep_step(model, chunk[row:row + 1], rates, rng)
                         for row in range(chunk.shape[0]))
            continue
        chunk = np.ascontiguousarray(chunk)
        uniforms = rng.random((chunk.shape[0], draws_per_row), dtype=X.dtype)
        total += _compiled_kernel(chunk, *params, rates, uniforms)
    return float(total)

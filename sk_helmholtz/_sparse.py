"""Binary data from dense or scipy sparse input, without densifying sparse X whole.

Validation turns every sparse format into CSR. Training densifies one batch
of rows at a time with ``dense_rows``, and scoring and ``transform`` one
chunk of rows at a time, sized by scikit-learn's ``working_memory``.
"""

import numpy as np
import scipy.sparse as sp
from sklearn.utils import gen_batches

from ._exact import rows_per_chunk


def threshold_bits(X, threshold):
    """Return ``X > threshold`` as 0/1 values in the dtype of X.

    For sparse X and ``threshold >= 0`` every implicit zero stays 0, so the
    result is a sparse matrix of the same class that stores only the ones.
    A negative threshold turns every implicit zero into 1, so the bits are
    dense by nature: they are written into one dense array a block of rows
    at a time, and no dense copy of the values is made.
    """
    if not sp.issparse(X):
        return (X > threshold).astype(X.dtype)
    if threshold >= 0:
        bits = X.copy()
        bits.data = (bits.data > threshold).astype(X.dtype)
        bits.eliminate_zeros()
        return bits
    bits = np.empty(X.shape, dtype=X.dtype)
    row_bytes = 2 * X.shape[1] * X.dtype.itemsize
    for rows in gen_batches(X.shape[0], rows_per_chunk(row_bytes, X.shape[0])):
        np.greater(X[rows].toarray(), threshold, out=bits[rows], casting="unsafe")
    return bits


def dense_rows(X, rows):
    """Return ``X[rows]`` as a dense array; ``rows`` is a slice or index array."""
    selected = X[rows]
    return selected.toarray() if sp.issparse(selected) else selected


def first_value_outside(X, low, high):
    """Return (row, column, value) of the first entry of X outside [low, high], or None.

    Entries are taken in row-major order. For sparse X only stored entries
    are inspected, so ``low <= 0 <= high`` must hold.
    """
    if not sp.issparse(X):
        outside = np.argwhere((X < low) | (X > high))
        if len(outside) == 0:
            return None
        row, column = outside[0]
        return int(row), int(column), X[row, column]
    return _first_stored_where(X, lambda values: (values < low) | (values > high))


def first_non_finite(X):
    """Return (row, column, value) of the first NaN or infinite entry of X, or None."""
    if not sp.issparse(X):
        positions = np.argwhere(~np.isfinite(X))
        if len(positions) == 0:
            return None
        row, column = positions[0]
        return int(row), int(column), X[row, column]
    return _first_stored_where(X, lambda values: ~np.isfinite(values))


def _first_stored_where(X, condition):
    coo = sp.coo_matrix(X)
    hits = np.flatnonzero(condition(coo.data))
    if len(hits) == 0:
        return None
    first = hits[np.lexsort((coo.col[hits], coo.row[hits]))[0]]
    return int(coo.row[first]), int(coo.col[first]), coo.data[first]

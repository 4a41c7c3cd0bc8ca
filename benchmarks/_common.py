"""Shared helpers of the benchmark scripts: timing, data loading, reporting."""

import os
import platform
import statistics
import time
from datetime import date

import numpy as np


def median_time(function, repeats):
    """Return the median wall time of ``repeats`` calls of ``function``, in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def load_binarized_mnist(path, split="train", n_rows=None):
    """Return ``n_rows`` rows of a split of ``binarized_mnist.npz`` as float64 0/1."""
    data = np.load(path)
    rows = np.unpackbits(data[split], axis=1)[:, : int(data["n_features"])]
    if n_rows is not None:
        rows = rows[:n_rows]
    return rows.astype(np.float64)


def machine_description():
    """Return lines describing this machine, its BLAS and the library versions."""
    import scipy
    import sklearn
    from threadpoolctl import threadpool_info

    import sk_helmholtz

    lines = [
        f"date: {date.today().isoformat()}",
        f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}",
        f"python {platform.python_version()}, numpy {np.__version__}, scipy "
        f"{scipy.__version__}, scikit-learn {sklearn.__version__}, sk_helmholtz "
        f"{sk_helmholtz.__version__}",
    ]
    for pool in threadpool_info():
        lines.append(
            f"thread pool: {pool.get('internal_api')} {pool.get('version')}, "
            f"{pool.get('num_threads')} threads, {pool.get('architecture', 'n/a')}"
        )
    try:
        import numba

        lines.append(f"numba {numba.__version__}")
    except ImportError:
        lines.append("numba not installed")
    return lines


def print_table(header, rows):
    """Print a Markdown table."""
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for row in rows:
        print("| " + " | ".join(str(cell) for cell in row) + " |")


def print_header(title, command):
    """Print the benchmark's title, the command that reran it and the machine."""
    print(f"## {title}")
    print()
    print(f"command: `{command}`")
    print()
    for line in machine_description():
        print(f"- {line}")
    print()

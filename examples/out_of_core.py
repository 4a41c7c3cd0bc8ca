"""Train on data larger than memory with ``partial_fit`` over chunks of a file.

The script writes binary rows to a ``.npy`` file, then trains a Helmholtz
machine without ever loading the file whole:

1. from a ``numpy.memmap`` view of the file, one chunk of rows per
   ``partial_fit`` call;
2. from a reader, a generator that yields chunks as a program reading
   another file format would.

Each ``partial_fit`` call runs one pass over its chunk. With
``shuffle=False`` and chunks whose size is a multiple of ``batch_size``,
the updates and random draws are exactly those of one epoch of ``fit`` on
the whole array with the same seed. The script checks that all three
machines are identical. For more epochs, loop over the chunks again.
Shuffle the rows once when writing the file, since chunks are trained in
order.
"""

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from sk_helmholtz import HelmholtzMachine

PARAMS = {"hidden_layer_sizes": (12, 4), "batch_size": 50, "shuffle": False, "random_state": 0}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description="Train with partial_fit over chunks of a memory-mapped file."
    )
    parser.add_argument(
        "--rows", type=int, default=200_000, help="rows to write (default 200000)"
    )
    parser.add_argument(
        "--features", type=int, default=100, help="features per row (default 100)"
    )
    parser.add_argument(
        "--chunk-rows", type=int, default=10_000,
        help=f"rows per partial_fit call, a multiple of batch_size={PARAMS['batch_size']} "
        "(default 10000)",
    )
    args = parser.parse_args(argv)
    if min(args.rows, args.features, args.chunk_rows) < 1:
        parser.error("--rows, --features and --chunk-rows must be positive")
    if args.chunk_rows % PARAMS["batch_size"]:
        parser.error(
            f"--chunk-rows must be a multiple of batch_size={PARAMS['batch_size']}, "
            f"got {args.chunk_rows}"
        )
    return args


def write_rows(path, n_rows, n_features, chunk_rows, seed=0):
    """Write ``n_rows`` random binary rows to a ``.npy`` file, a chunk at a time.

    Each row switches on one of four random prototypes and flips 5% of its
    bits, so the machine has structure to find.
    """
    rng = np.random.default_rng(seed)
    prototypes = rng.random((4, n_features)) < 0.3
    rows = np.lib.format.open_memmap(path, mode="w+", dtype=np.uint8, shape=(n_rows, n_features))
    for start in range(0, n_rows, chunk_rows):
        stop = min(start + chunk_rows, n_rows)
        chosen = prototypes[rng.integers(len(prototypes), size=stop - start)]
        rows[start:stop] = chosen ^ (rng.random(chosen.shape) < 0.05)
    rows.flush()


def read_chunks(path, chunk_rows):
    """Yield the rows of a ``.npy`` file in chunks, as a file reader would."""
    with open(path, "rb") as file:
        if np.lib.format.read_magic(file) == (1, 0):
            shape, _, dtype = np.lib.format.read_array_header_1_0(file)
        else:
            shape, _, dtype = np.lib.format.read_array_header_2_0(file)
        row_bytes = shape[1] * dtype.itemsize
        while block := file.read(chunk_rows * row_bytes):
            yield np.frombuffer(block, dtype=dtype).reshape(-1, shape[1])


def train_on_memmap(path, chunk_rows):
    rows = np.load(path, mmap_mode="r")
    model = HelmholtzMachine(**PARAMS)
    for start in range(0, rows.shape[0], chunk_rows):
        model.partial_fit(rows[start : start + chunk_rows])
    return model


def train_on_reader(path, chunk_rows):
    model = HelmholtzMachine(**PARAMS)
    for chunk in read_chunks(path, chunk_rows):
        model.partial_fit(chunk)
    return model


def same_parameters(first, second):
    return all(
        np.array_equal(a, b)
        for name in ("generative_coefs_", "recognition_coefs_")
        for a, b in zip(getattr(first, name), getattr(second, name))
    )


def main(argv=None):
    args = parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "rows.npy"
        write_rows(path, args.rows, args.features, args.chunk_rows)
        size_mb = path.stat().st_size / 2**20
        print(f"wrote {args.rows} rows of {args.features} bits to a {size_mb:.1f} MiB file")

        start = time.perf_counter()
        streamed = train_on_memmap(path, args.chunk_rows)
        print(
            f"partial_fit over {streamed.n_iter_} memmap chunks of {args.chunk_rows} rows: "
            f"{time.perf_counter() - start:.1f} s"
        )
        start = time.perf_counter()
        read = train_on_reader(path, args.chunk_rows)
        print(f"partial_fit over chunks from a reader: {time.perf_counter() - start:.1f} s")

        # For comparison only: this loads the whole file into memory.
        whole = HelmholtzMachine(**PARAMS, max_iter=1).fit(np.load(path))
        test_rows = next(read_chunks(path, 1000))
        n_test = len(test_rows)
        print(f"same model as one epoch of fit: memmap {same_parameters(streamed, whole)}, "
              f"reader {same_parameters(read, whole)}")
        print(f"log-likelihood of the first {n_test} rows: {streamed.score(test_rows):.2f} "
              f"nats per row (uniform: {-args.features * np.log(2):.2f})")


if __name__ == "__main__":
    main()

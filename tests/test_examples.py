"""The example scripts and ``python -m sk_helmholtz``, run as subprocesses.

Every run uses small settings and ``-W error``, so a warning in a script
fails its test as it would in the suite.
"""

import math
import os
import re
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
BARS_SCRIPT = EXAMPLES / "bars_demonstration.py"
DIGITS_SCRIPT = EXAMPLES / "digits_pipeline.py"
BARS_4X4_SCRIPT = EXAMPLES / "bars_4x4.py"
SMALL_BARS_ARGS = ["--updates", "2000", "--samples", "2000"]
TABLE_HEADER = re.compile(r"^pattern\s+world p\s+model p_G\s+sampled$", re.MULTILINE)
FINAL_KL = re.compile(r"^final exact KL\[p, p_G\] = (\d+\.\d{4}) nats$", re.MULTILINE)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def run_python(args, cwd, env=None):
    """Run ``python -W error ARGS`` in ``cwd`` and return the completed process."""
    return subprocess.run(
        [sys.executable, "-W", "error", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def png_size(path):
    """Return (width, height) from the IHDR chunk of a PNG file."""
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE, f"{path} is not a PNG file"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def final_kl(stdout):
    match = FINAL_KL.search(stdout)
    assert match is not None, f"no final KL line in output:\n{stdout}"
    return float(match.group(1))


def test_module_prints_table_and_final_kl(tmp_path):
    result = run_python(["-m", "sk_helmholtz", *SMALL_BARS_ARGS], tmp_path)

    assert result.returncode == 0, result.stderr
    assert "after   2000 updates: KL[p, p_G] = " in result.stdout
    assert TABLE_HEADER.search(result.stdout)
    assert 0 < final_kl(result.stdout) < 512
    assert re.search(r"^training took \d+\.\d s$", result.stdout, re.MULTILINE)


def test_module_rejects_zero_updates(tmp_path):
    result = run_python(["-m", "sk_helmholtz", "--updates", "0"], tmp_path)

    assert result.returncode == 2
    assert result.stderr.startswith("usage:")
    assert "--updates and --samples must be positive" in result.stderr
    assert result.stdout == ""


def test_bars_script_writes_figures(tmp_path):
    pytest.importorskip("matplotlib")
    output_dir = tmp_path / "figures"

    result = run_python(
        [str(BARS_SCRIPT), *SMALL_BARS_ARGS, "--output-dir", str(output_dir)], tmp_path
    )

    assert result.returncode == 0, result.stderr
    assert "3x3 bars world: 12 images of 9 pixels" in result.stdout
    assert "drew 2000 training images with seed 0" in result.stdout
    assert "after   2000 updates: KL[p, p_G] = " in result.stdout
    assert TABLE_HEADER.search(result.stdout)
    assert 0 < final_kl(result.stdout) < 512
    for name in ("bars_kl_curve.png", "bars_patterns.png"):
        path = output_dir / name
        assert path.is_file(), f"{name} was not written"
        assert f"wrote {path}" in result.stdout
        width, height = png_size(path)
        assert width >= 400
        assert height >= 300


def test_bars_script_defaults_to_current_folder(tmp_path):
    pytest.importorskip("matplotlib")

    result = run_python([str(BARS_SCRIPT), "--updates", "500", "--samples", "500"], tmp_path)

    assert result.returncode == 0, result.stderr
    assert (tmp_path / "bars_kl_curve.png").is_file()
    assert (tmp_path / "bars_patterns.png").is_file()


def test_bars_script_without_matplotlib(tmp_path):
    # A package named matplotlib that fails to import hides the real one.
    blocker = tmp_path / "blocker" / "matplotlib"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text("raise ImportError('matplotlib is blocked')\n")
    env = {**os.environ, "PYTHONPATH": str(blocker.parent)}

    result = run_python([str(BARS_SCRIPT), *SMALL_BARS_ARGS], tmp_path, env=env)

    assert result.returncode == 0, result.stderr
    assert TABLE_HEADER.search(result.stdout)
    assert "matplotlib is not installed, so the figures were skipped" in result.stdout
    assert 'install the plot extra (pip install "sk-helmholtz[plot]")' in result.stdout
    assert list(tmp_path.glob("*.png")) == []


def test_bars_script_matches_module(tmp_path):
    # Both train on the same images with the same seed, so chunking the
    # updates differently must not change the result.
    args = [*SMALL_BARS_ARGS, "--seed", "3"]
    module = run_python(["-m", "sk_helmholtz", *args], tmp_path)
    script = run_python([str(BARS_SCRIPT), *args, "--output-dir", str(tmp_path)], tmp_path)

    assert module.returncode == 0, module.stderr
    assert script.returncode == 0, script.stderr
    assert final_kl(script.stdout) == final_kl(module.stdout)
    assert TABLE_HEADER.search(script.stdout)
    module_table = module.stdout[TABLE_HEADER.search(module.stdout).start() :]
    script_table = script.stdout[TABLE_HEADER.search(script.stdout).start() :]
    assert script_table.split("\n\n")[0] == module_table.split("\n\n")[0]


@pytest.mark.parametrize("command", [["-m", "sk_helmholtz"], [str(BARS_SCRIPT)]])
def test_negative_seed_usage_error(tmp_path, command):
    result = run_python([*command, "--seed", "-1"], tmp_path)

    assert result.returncode == 2
    assert "--seed must be a non-negative integer, got -1" in result.stderr


def test_bars_script_rejects_zero_updates(tmp_path):
    result = run_python([str(BARS_SCRIPT), "--updates", "0"], tmp_path)

    assert result.returncode == 2
    assert result.stderr.startswith("usage:")
    assert "--updates must be a positive integer, got 0" in result.stderr


def test_bars_4x4_script_quick(tmp_path):
    result = run_python([str(BARS_4X4_SCRIPT), "--quick", "--output-dir", str(tmp_path)], tmp_path)

    assert result.returncode == 0, result.stderr
    kls = re.findall(r"exact KL\[p, p_G\] = (\d+\.\d{4}) nats", result.stdout)
    assert len(kls) == 2
    assert all(0 < float(kl) < 16 * math.log(2) for kl in kls)
    assert result.stdout.count("top unit's weights to the hidden units:") == 2
    assert result.stdout.count("hidden unit 7:") == 2
    if "no figure written" not in result.stdout:
        assert png_size(tmp_path / "bars_4x4_weights.png")[0] > 0


@pytest.mark.parametrize(
    "option, value, message",
    [
        ("--rows", "0", "--rows must be a positive integer, got 0"),
        ("--n-init", "0", "--n-init must be a positive integer, got 0"),
        ("--seed", "-2", "--seed must be a non-negative integer, got -2"),
    ],
)
def test_bars_4x4_script_usage_errors(tmp_path, option, value, message):
    result = run_python([str(BARS_4X4_SCRIPT), option, value], tmp_path)

    assert result.returncode == 2
    assert message in result.stderr


def test_digits_script_quick(tmp_path):
    result = run_python([str(DIGITS_SCRIPT), "--quick"], tmp_path)

    assert result.returncode == 0, result.stderr
    stdout = result.stdout
    assert "digits: 1347 training and 450 test rows of 64 pixels" in stdout
    best_params = re.search(
        r"^best parameters: \{'hidden_layer_sizes': \(\d+,\), 'learning_rate': 0\.1\}$",
        stdout,
        re.MULTILINE,
    )
    assert best_params is not None, stdout

    log_likelihood = re.search(
        r"^held-out test log-likelihood: (-\d+\.\d+) nats per row$", stdout, re.MULTILINE
    )
    assert log_likelihood is not None, stdout
    # The uniform distribution over 64 bits scores -64 log 2 = -44.4 nats per
    # row, and even 3 epochs of wake-sleep must do better.
    assert -64 * math.log(2) < float(log_likelihood.group(1)) < 0

    accuracies = re.findall(
        r"^test accuracy, logistic regression on .*: (\d\.\d{3})$", stdout, re.MULTILINE
    )
    assert len(accuracies) == 2, stdout
    helmholtz_accuracy, pixel_accuracy = (float(value) for value in accuracies)
    # Chance accuracy for ten classes is 0.1.
    assert 0.2 < helmholtz_accuracy <= 1
    assert 0.9 < pixel_accuracy <= 1



RBM_SCRIPT = EXAMPLES / "digits_rbm_comparison.py"
UCI_SCRIPT = EXAMPLES / "uci_benchmarks.py"
RESULT_LINE = r"^{name}\s+(\d\.\d{{4}})\s+(\d+\.\d) s\s+{features}$"


def matplotlib_installed():
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def test_rbm_comparison_quick(tmp_path):
    result = run_python([str(RBM_SCRIPT), "--quick", "--output-dir", str(tmp_path)], tmp_path)

    assert result.returncode == 0, result.stderr
    stdout = result.stdout
    assert "nudged digits: 718 training and 180 test rows of 64 pixels in [0, 1]" in stdout
    for name, features in [
        (r"BernoulliRBM, 100 units", r"\d+\.\d s"),
        (r"HelmholtzMachine, 100 units", r"\d+\.\d s"),
        (r"HelmholtzMachine, 100 \+ 20 units", r"\d+\.\d s"),
        (r"raw pixels", r"-"),
    ]:
        match = re.search(
            RESULT_LINE.format(name=name, features=features), stdout, re.MULTILINE
        )
        assert match is not None, f"no result line for {name}:\n{stdout}"
        # Chance macro F1 on ten classes is about 0.1.
        assert 0.2 < float(match.group(1)) <= 1
    if not matplotlib_installed():
        assert "matplotlib is not installed, so the figure was skipped" in stdout
        return
    path = tmp_path / "digits_samples.png"
    assert f"wrote {path}" in stdout
    width, height = png_size(path)
    assert (width, height) == (1200, 600)


def write_benchmark_file(path, n_features, seed):
    """Write a small data set in the benchmark format: bit-packed 0/1 splits."""
    rng = np.random.default_rng(seed)
    splits = {
        split: np.packbits(rng.random((n_rows, n_features)) < 0.3, axis=1)
        for split, n_rows in [("train", 60), ("valid", 30), ("test", 40)]
    }
    np.savez(path, n_features=n_features, **splits)


def test_uci_script_quick(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    for seed, (name, n_features) in enumerate([("dna", 21), ("mushrooms", 12), ("nips", 30)]):
        write_benchmark_file(data_dir / f"{name}.npz", n_features, seed)
    output_dir = tmp_path / "figures"

    result = run_python(
        [str(UCI_SCRIPT), str(data_dir), "--quick", "--output-dir", str(output_dir)], tmp_path
    )

    assert result.returncode == 0, result.stderr
    stdout = result.stdout
    assert "dna: 60 train, 30 valid, 40 test rows of 21 features" in stdout
    assert "nips: 60 train, 30 valid, 40 test rows of 30 features" in stdout
    chosen = re.findall(
        r"^  chosen: wake-sleep, \(4,\); test log-likelihood (-\d+\.\d\d) nats per row "
        r"\(NLL (\d+\.\d\d)\)$",
        stdout,
        re.MULTILINE,
    )
    assert len(chosen) == 3, stdout
    for (log_likelihood, nll), n_features in zip(chosen, [21, 12, 30]):
        assert float(nll) == -float(log_likelihood)
        # A model never does worse than about 2 nats per bit on held-out bits
        # after training, and log-likelihoods of bits are negative.
        assert 0 < float(nll) < 2 * n_features
    summary = re.search(r"^Helmholtz machine \(this run\)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)$",
                        stdout, re.MULTILINE)
    assert summary is not None, stdout
    assert [float(value) for value in summary.groups()] == [float(nll) for _, nll in chosen]
    assert re.search(r"^NADE \(published\)\s+84\.81\s+9\.81\s+273\.08$", stdout, re.MULTILINE)
    if not matplotlib_installed():
        assert "matplotlib is not installed, so the figures were skipped" in stdout
        return
    for name in ("dna", "mushrooms", "nips"):
        for figure in ("training_curve", "samples"):
            path = output_dir / f"{name}_{figure}.png"
            assert f"wrote {path}" in stdout
            assert png_size(path)[0] >= 600


def test_uci_script_missing_file(tmp_path):
    result = run_python([str(UCI_SCRIPT), str(tmp_path), "--quick"], tmp_path)

    assert result.returncode == 2
    assert f"{tmp_path / 'dna.npz'} not found" in result.stderr
    assert "folder that contains dna.npz" in result.stderr


OUT_OF_CORE_SCRIPT = EXAMPLES / "out_of_core.py"


def test_out_of_core_matches_fit(tmp_path):
    result = run_python(
        [str(OUT_OF_CORE_SCRIPT), "--rows", "3000", "--features", "20", "--chunk-rows", "500"],
        tmp_path,
    )

    assert result.returncode == 0, result.stderr
    stdout = result.stdout
    assert "wrote 3000 rows of 20 bits" in stdout
    assert "partial_fit over 6 memmap chunks of 500 rows" in stdout
    assert "same model as one epoch of fit: memmap True, reader True" in stdout
    assert list(tmp_path.iterdir()) == []


def test_out_of_core_rejects_chunk_size(tmp_path):
    result = run_python([str(OUT_OF_CORE_SCRIPT), "--chunk-rows", "75"], tmp_path)

    assert result.returncode == 2
    assert "--chunk-rows must be a multiple of batch_size=50, got 75" in result.stderr

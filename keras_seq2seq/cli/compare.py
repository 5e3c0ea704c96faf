"""The benchmark against the reference peer, in one command: the peer's script, then this
package's benchmark under each backend, each in its own process, printed as one ratio table.

```
python -m keras_seq2seq.bench --compare-peer /path/to/tfa-venv/bin/python --reps 5
```
The peer is `../shared/peers/tfa_seq2seq_bench.py` (TensorFlow Addons on TensorFlow 2.15, which
needs its own virtual environment; see its header); `--peer-script` points elsewhere.
"""

import json
import os
import subprocess
import sys
import tempfile

BACKENDS = ("tensorflow", "jax", "torch")
# The figures the peer and the benchmark both report, and how the table names them.
FIGURES = {
    "train_teacher_forcing_tokens_per_s": "train, teacher forcing, tokens/s",
    "train_scheduled_sampling_tokens_per_s": "train, scheduled sampling 0.5, tokens/s",
    "greedy_sentences_per_s": "greedy, sentences/s",
    "beam5_sentences_per_s": "beam 5, sentences/s",
}
PEER_SCRIPT = os.path.join(os.pardir, "shared", "peers", "tfa_seq2seq_bench.py")


def run_json(command: list[str], environment: dict | None = None) -> dict:
    """Runs `command` with `--json FILE` appended and returns what it wrote there.

    Raises:
        RuntimeError: the command failed; the message holds its exit status and stderr's end.
    """
    with tempfile.TemporaryDirectory() as directory:
        output = os.path.join(directory, "figures.json")
        result = subprocess.run(
            [*command, "--json", output], env=environment, capture_output=True, text=True
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"{' '.join(command)} failed (exit {result.returncode}):\n{result.stderr[-3000:]}"
            )
        with open(output, encoding="utf-8") as file:
            return json.load(file)


def compare(
    peer_python: str,
    peer_script: str = PEER_SCRIPT,
    reps: int = 5,
    backends: tuple[str, ...] = BACKENDS,
    bench_arguments: tuple[str, ...] = (),
) -> dict:
    """Runs the peer, then the benchmark under each backend, one after the other.

    Args:
        peer_python: the interpreter of the peer's virtual environment.
        peer_script: the peer's benchmark script.
        reps: timed calls per figure, for the peer and each backend.
        backends: the Keras backends to run.
        bench_arguments: more arguments for this package's benchmark (e.g. `--dtype-policy`).

    Returns:
        `{"peer": figures, backend: figures, ...}`, each as its script's JSON.
    """
    if not os.path.isfile(peer_script):
        raise FileNotFoundError(f"No peer script at {peer_script!r}; pass --peer-script.")
    results = {"peer": run_json([peer_python, peer_script, "--reps", str(reps)])}
    for backend in backends:
        command = [sys.executable, "-m", "keras_seq2seq.bench", "--reps", str(reps)]
        environment = {**os.environ, "KERAS_BACKEND": backend}
        results[backend] = run_json([*command, *bench_arguments], environment)
    return results


def ratio_table(results: dict) -> str:
    """A Markdown table of `compare`'s results: each figure for the peer and each backend, with
    the backend's ratio to the peer; then each backend's matmul roofline. Other entries of
    `results` (the CPU) are left out."""
    backends = [name for name in results if name in BACKENDS]
    peer = results["peer"]
    lines = [
        "| figure | peer | " + " | ".join(f"{b} (x peer)" for b in backends) + " |",
        "|---" * (2 + len(backends)) + "|",
    ]
    for key, label in FIGURES.items():
        cells = [label, f"{peer[key]:,.0f}"]
        for backend in backends:
            value = results[backend].get(key)
            cells.append("" if value is None else f"{value:,.0f} ({value / peer[key]:.2f}x)")
        lines.append("| " + " | ".join(cells) + " |")
    for dtype in ("float32", "bfloat16"):
        key = f"gemm_{dtype}_gflops"
        cells = [f"{dtype} matmul roofline, GFLOP/s", ""]
        cells += [f"{results[b][key]:,.0f}" if key in results[b] else "" for b in backends]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)

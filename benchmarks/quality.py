"""Translation quality on real data: train with the CLI for a fixed wall-clock budget, then score.

    KERAS_BACKEND=jax python benchmarks/quality.py --data ../shared/data/gettext-en-de \
        --out runs/quality --minutes 25

Trains one model per architecture (plain Sutskever encoder-decoder, Bahdanau attention, Luong
attention, Luong with copy attention over a joint vocabulary; the attention models feed their
attention back as input) on `train.tsv` with
`keras-seq2seq train --time-budget`, then scores
greedy and beam-5 (length penalty 0.6) decoding on `valid.tsv` with `keras-seq2seq evaluate`
(sacreBLEU, default 13a tokenization; chrF; exact match) and prints a Markdown table. Subword
vocabularies are learned once, by the first run of each kind (per side, or joint), and reused by
the others of that kind. Not a test: it needs
the shared data folder and skips (exit 0) when it is absent.
"""

import argparse
import json
import os
import subprocess
import sys

ARCHITECTURES = {
    "luong": ["--attention", "luong"],
    "luong-copy": ["--attention", "luong", "--copy-attention", "--joint-vocabulary"],
    "bahdanau": ["--attention", "bahdanau"],
    "sutskever": ["--attention", "none", "--reverse-source"],
}
COMMON = ["--embedding-dim", "256", "--units", "512", "--batch-size", "64", "--epochs", "100"]


def _cli(*args: str) -> str:
    command = [sys.executable, "-m", "keras_seq2seq", *args]
    print("$", " ".join(command), flush=True)
    result = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True)
    return result.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default="../shared/data/gettext-en-de")
    parser.add_argument("--out", default="runs/quality")
    parser.add_argument(
        "--minutes",
        type=float,
        nargs="+",
        default=[25.0],
        help="training budget per architecture (one value, or one per model)",
    )
    parser.add_argument("--architectures", nargs="+", default=list(ARCHITECTURES))
    args = parser.parse_args()
    train, valid = (os.path.join(args.data, f"{name}.tsv") for name in ("train", "valid"))
    if not os.path.exists(train):
        print(f"skipped: {train} is absent")
        return
    unknown = sorted(set(args.architectures) - set(ARCHITECTURES))
    budgets = args.minutes * len(args.architectures) if len(args.minutes) == 1 else args.minutes
    if unknown or len(budgets) != len(args.architectures):
        parser.error(f"unknown architectures {unknown} or not one budget per architecture")
    rows, first_runs = [], {}
    for name, minutes in zip(args.architectures, budgets, strict=True):
        run_dir = os.path.join(args.out, name)
        joint = "--joint-vocabulary" in ARCHITECTURES[name]
        reuse = ["--processors-from", first_runs[joint]] if joint in first_runs else []
        _cli("train", "--train", train, "--valid", valid, "--run-dir", run_dir,
             "--time-budget", str(minutes), *COMMON, *ARCHITECTURES[name], *reuse)  # fmt: skip
        first_runs.setdefault(joint, run_dir)
        for beam in ("1", "5"):
            output = os.path.join(run_dir, f"valid.beam{beam}.txt")
            printed = _cli("evaluate", "--model", run_dir, "--tsv", valid,
                           "--beam-width", beam, "--output", output)  # fmt: skip
            scores = json.loads(printed.splitlines()[-1])
            rows.append((name, minutes, "greedy" if beam == "1" else "beam 5", scores))
    print("\n| model | budget | decoder | BLEU | chrF | exact match |")
    print("|---|---|---|---|---|---|")
    for name, minutes, decoder, s in rows:
        print(f"| {name} | {minutes:g} min | {decoder} | {s['bleu']:.1f} | {s['chrf']:.1f} "
              f"| {100 * s['exact_match']:.0f}% |")  # fmt: skip


if __name__ == "__main__":
    main()

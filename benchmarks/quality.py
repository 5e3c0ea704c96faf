"""Translation quality on real data: train with the CLI for a fixed wall-clock budget, then score.

    KERAS_BACKEND=jax python benchmarks/quality.py --data ../shared/data/gettext-en-de \
        --out runs/quality --minutes 25

Trains one model per architecture (plain Sutskever encoder-decoder, Bahdanau attention, Luong
attention, Luong with copy attention over a joint WordPiece or SentencePiece vocabulary, and
that last as `saved_models/` trains it: LSTM 384, the output projection tied to the target
embedding, the last 3 epochs averaged, the length penalty tuned on `valid.tsv`; and that with
one embedding table for both sides; the attention models feed their attention back as input)
on `train.tsv` with `keras-seq2seq train --time-budget`, then scores greedy and beam-5 (length
penalty 0.6, or the tuned one) decoding on `valid.tsv` with `keras-seq2seq evaluate`
(sacreBLEU, default 13a tokenization; chrF; exact match), writes them to `scores.json` in the
run directory (and the tuning sweep to `tune.txt`) and prints a Markdown table. Subword
vocabularies are learned once, by the first run of each kind, and reused by the others of that
kind. Not a test: it needs
the shared data folder and skips (exit 0) when it is absent.
"""

import argparse
import collections
import json
import os
import re
import subprocess
import sys

from keras_seq2seq.data.sentencepiece import PLACEHOLDER

RECIPE = "luong-copy-sentencepiece-tied-averaged"
SHARED = "luong-copy-sentencepiece-shared-averaged"
COPY = ["--attention", "luong", "--copy-attention", "--joint-vocabulary"]
SENTENCEPIECE = ["--source-level", "sentencepiece", "--target-level", "sentencepiece"]
TIED = ["--tie-embeddings", "--units", "384"]
# Each architecture's flags, and the vocabularies it learns: runs with the same ones share them.
ARCHITECTURES = {
    "luong": (["--attention", "luong"], "wordpiece"),
    "luong-copy": (COPY, "joint wordpiece"),
    "luong-copy-sentencepiece": ([*COPY, *SENTENCEPIECE], "joint sentencepiece"),
    # The recipe of saved_models/: LSTM 384, the output projection tied to the target
    # embedding, the last 3 epochs' weights averaged, and the length penalty tuned (TUNED).
    RECIPE: ([*COPY, *SENTENCEPIECE, *TIED, "--average-last", "3"], "joint sentencepiece"),
    # The same with one embedding table for source, target and output (8 MB smaller).
    SHARED: (
        [*COPY, *SENTENCEPIECE, *TIED, "--share-embeddings", "--average-last", "3"],
        "joint sentencepiece",
    ),
    "bahdanau": (["--attention", "bahdanau"], "wordpiece"),
    "sutskever": (["--attention", "none", "--reverse-source"], "wordpiece"),
}
COMMON = ["--embedding-dim", "256", "--units", "512", "--batch-size", "64", "--epochs", "100"]
# The recipe's length penalty is picked on valid by chrF: recall-weighted, it favours the longer
# outputs that BLEU's brevity penalty only starts to reward below the reference length.
TUNING = ["--length-penalties", "0", "0.6", "1", "1.5", "2", "--metric", "chrf"]
TUNED = {RECIPE: TUNING, SHARED: TUNING}


def _cli(*args: str) -> str:
    command = [sys.executable, "-m", "keras_seq2seq", *args]
    print("$", " ".join(command), flush=True)
    result = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True)
    return result.stdout


def output_checks(valid: str, output: str) -> dict:
    """Placeholders kept (sources with printf/brace placeholders whose output holds exactly the
    same ones, counted with repeats) and the output/reference length ratio in characters."""
    with open(valid, encoding="utf-8") as file:
        pairs = [line.rstrip("\n").split("\t")[:2] for line in file if line.strip()]
    with open(output, encoding="utf-8", newline="\n") as file:
        outputs = file.read().split("\n")[: len(pairs)]
    with_placeholders = kept = 0
    for (source, _), translated in zip(pairs, outputs, strict=True):
        wanted = collections.Counter(PLACEHOLDER.findall(source))
        if wanted:
            with_placeholders += 1
            kept += collections.Counter(PLACEHOLDER.findall(translated)) == wanted
    return {
        "placeholders": (kept, with_placeholders),
        "length_ratio": sum(map(len, outputs)) / sum(len(t) for _, t in pairs),
    }


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
    parser.add_argument("--seed", default="0", help="the training seed (`train --seed`)")
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
        flags, vocabularies = ARCHITECTURES[name]
        reuse = (
            ["--processors-from", first_runs[vocabularies]] if vocabularies in first_runs else []
        )
        _cli("train", "--train", train, "--valid", valid, "--run-dir", run_dir, "--seed", args.seed,
             "--time-budget", str(minutes), *COMMON, *flags, *reuse)  # fmt: skip
        first_runs.setdefault(vocabularies, run_dir)
        beam = ("beam 5, lp 0.6", ["--beam-width", "5"])
        if name in TUNED:  # saves the tuned beam search in the model: evaluate uses it unasked
            printed = _cli("tune", "--model", run_dir, "--tsv", valid, "--beam-width", "5",
                           *TUNED[name], "--save")  # fmt: skip
            with open(os.path.join(run_dir, "tune.txt"), "w", encoding="utf-8") as file:
                file.write(printed)  # one JSON line of scores per length penalty
            penalty = re.search(r"Best length penalty by \w+: (\S+) ", printed).group(1)
            beam = (f"beam 5, lp {penalty} (tuned)", [])
        run_rows = []
        for decoder, flags in (("greedy", ["--beam-width", "1"]), beam):
            output = os.path.join(run_dir, f"valid.{decoder.split(',')[0].replace(' ', '')}.txt")
            printed = _cli("evaluate", "--model", run_dir, "--tsv", valid, *flags,
                           "--output", output)  # fmt: skip
            scores = {**json.loads(printed.splitlines()[-1]), **output_checks(valid, output)}
            run_rows.append((name, minutes, decoder, scores))
        with open(os.path.join(run_dir, "scores.json"), "w", encoding="utf-8") as file:
            json.dump([{"decoder": d, **s} for _, _, d, s in run_rows], file, indent=1)
        rows += run_rows
    print("\n| model | budget | decoder | BLEU | chrF | exact match | placeholders kept "
          "| output/reference length |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|")
    for name, minutes, decoder, s in rows:
        kept, total = s["placeholders"]
        print(f"| {name} | {minutes:g} min | {decoder} | {s['bleu']:.1f} | {s['chrf']:.1f} "
              f"| {100 * s['exact_match']:.1f}% | {kept}/{total} ({100 * kept / total:.0f}%) "
              f"| {s['length_ratio']:.2f} |")  # fmt: skip


if __name__ == "__main__":
    main()

"""The `keras-seq2seq` command line: demo, train, evaluate, translate, export.

```
keras-seq2seq demo
keras-seq2seq train --train pairs.tsv --valid valid.tsv --run-dir runs/en-de
keras-seq2seq evaluate --model runs/en-de --tsv valid.tsv --beam-width 4
keras-seq2seq translate --model runs/en-de < input.txt > output.txt
keras-seq2seq export --model runs/en-de --output serving/
```
The Keras backend is the usual `KERAS_BACKEND` environment variable.
"""

import argparse
import io
import json
import os
import shutil
import sys
import time
from collections.abc import Iterable

import keras
import numpy as np

from keras_seq2seq import callbacks, pipeline, samplers, schedules, validation
from keras_seq2seq.layers import Decoder, Encoder
from keras_seq2seq.losses import MaskedCrossEntropy
from keras_seq2seq.model import Seq2Seq
from keras_seq2seq.text import LEVELS, TextProcessor
from keras_seq2seq.translator import Translator

CONFIG_FILE = "config.json"
TRANSLATOR_FILE = "translator.keras"
DONE_FILE = "done.json"
# Each schedule's one parameter (--schedule-value) and its default.
SCHEDULES = {
    "constant": (lambda v, a: schedules.Constant(v), 0.9),
    "linear": (lambda v, a: schedules.Linear(1.0, slope=v, floor=a.schedule_floor), 1e-4),
    "exponential": (lambda v, a: schedules.Exponential(v), 0.9999),
    "inverse_sigmoid": (lambda v, a: schedules.InverseSigmoid(v), 1000.0),
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="keras-seq2seq",
        description="Train, evaluate and serve RNN sequence-to-sequence models on TSV data "
        "(one `source<TAB>target` pair per line). Set KERAS_BACKEND to pick the backend.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    demo_parser = commands.add_parser(
        "demo",
        help="train, evaluate, plot and export a date-normalization model (about 5 minutes)",
        description="Trains an attention model to rewrite dates written the way 24 locales "
        "write them as ISO dates, then reports held-out exact match, plots the attention and "
        "the training curves, exports a SavedModel and translates through it.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    demo_parser.add_argument(
        "--run-dir", help="a new directory for the artifacts (default: runs/demo-<time>)"
    )
    demo_parser.add_argument(
        "--quick",
        action="store_true",
        help="a smoke test: little data, one small epoch (the model learns little)",
    )
    demo_parser.add_argument("--seed", type=int, default=0)

    train = commands.add_parser(
        "train",
        help="train a model on a TSV file into a run directory (rerun it to resume)",
        description="Trains a Translator. The run directory gets config.json, the text "
        "processors, log.csv, and translator.keras (the best model so far by validation loss, "
        "or training loss without --valid). Running the same command again after an "
        "interruption resumes from the last finished epoch.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    data = train.add_argument_group("data")
    data.add_argument("--train", required=True, help="training pairs, a TSV file")
    data.add_argument("--valid", help="validation pairs, a TSV file (picks the best epoch)")
    data.add_argument("--run-dir", required=True, help="where everything is written")
    data.add_argument("--source-level", choices=LEVELS, default="subword")
    data.add_argument("--target-level", choices=LEVELS, default="subword")
    data.add_argument("--vocabulary-size", type=int, default=8000, help="per language")
    data.add_argument("--case-fold", action="store_true", help="fold case before tokenizing")
    data.add_argument(
        "--processors-from",
        help="reuse the text processors of another run directory instead of learning them",
    )
    data.add_argument("--max-source-length", type=int, default=100, help="in tokens")
    data.add_argument("--max-target-length", type=int, default=100, help="in tokens")
    data.add_argument("--too-long", choices=pipeline.TOO_LONG, default="truncate")
    model = train.add_argument_group("model")
    model.add_argument("--cell", choices=("lstm", "gru", "simple_rnn"), default="lstm")
    model.add_argument(
        "--layers", type=int, default=1, help="RNN layers in each of encoder/decoder"
    )
    model.add_argument("--embedding-dim", type=int, default=256)
    model.add_argument("--units", type=int, default=512)
    model.add_argument("--bidirectional", action="store_true", help="bidirectional encoder")
    model.add_argument("--reverse-source", action="store_true", help="Sutskever's trick")
    model.add_argument("--attention", choices=("luong", "bahdanau", "none"), default="luong")
    model.add_argument("--no-input-feeding", action="store_true")
    model.add_argument("--dropout", type=float, default=0.2)
    fitting = train.add_argument_group("training")
    fitting.add_argument("--batch-size", type=int, default=64)
    fitting.add_argument("--epochs", type=int, default=10)
    fitting.add_argument("--learning-rate", type=float, default=1e-3)
    fitting.add_argument("--label-smoothing", type=float, default=0.1)
    fitting.add_argument(
        "--schedule",
        choices=("none", *SCHEDULES),
        default="none",
        help="scheduled sampling: how the teacher-forcing ratio falls per step (none: always 1)",
    )
    fitting.add_argument(
        "--schedule-value",
        type=float,
        default=None,
        help="the ratio (constant, default 0.9), slope per step (linear, 1e-4) or k "
        "(exponential, 0.9999; inverse_sigmoid, 1000)",
    )
    fitting.add_argument("--schedule-floor", type=float, default=0.5, help="linear's floor")
    fitting.add_argument(
        "--time-budget",
        type=float,
        default=0.0,
        help="stop after this many minutes of training (per invocation; a run stopped by it "
        "counts as finished); 0: no limit",
    )
    fitting.add_argument("--seed", type=int, default=0)
    _add_decoding_flags(train, for_train=True)

    evaluate = commands.add_parser(
        "evaluate",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
        help="BLEU, chrF and exact match on a TSV file",
    )
    _add_model_flag(evaluate)
    evaluate.add_argument("--tsv", required=True, help="pairs to score against, a TSV file")
    evaluate.add_argument("--output", help="also write the translations here, one per line")
    _add_decoding_flags(evaluate)

    translate = commands.add_parser(
        "translate",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
        help="translate lines from stdin or a file",
    )
    _add_model_flag(translate)
    translate.add_argument("--input", help="a text file, one source per line (default stdin)")
    _add_decoding_flags(translate)

    export = commands.add_parser(
        "export",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
        help="write a SavedModel for TensorFlow Serving",
    )
    _add_model_flag(export)
    export.add_argument("--output", required=True, help="the SavedModel directory")
    _add_decoding_flags(export)
    return parser


def _add_model_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--model", required=True, help=f"a run directory or a saved {TRANSLATOR_FILE} file"
    )


def _add_decoding_flags(parser: argparse.ArgumentParser, for_train: bool = False) -> None:
    group = parser.add_argument_group("decoding")
    group.add_argument(
        "--beam-width",
        type=int,
        default=4 if for_train else None,
        help="1: greedy; more: beam search" + ("" if for_train else " (default: as saved)"),
    )
    group.add_argument("--length-penalty", type=float, default=0.6, help="beam search alpha")
    group.add_argument("--max-length", type=int, default=None, help="most output tokens")
    if not for_train:
        group.add_argument("--batch-size", type=int, default=64, help="texts per batch")


def _sampler(args: argparse.Namespace) -> samplers.Sampler:
    if args.beam_width == 1:
        return samplers.Greedy()
    return samplers.BeamSearch(args.beam_width, length_penalty=args.length_penalty)


def train(args: argparse.Namespace) -> str:
    """Trains (or resumes) a run; returns the path of the best `translator.keras`.

    The run's settings are stored in `config.json` once its data and model are built; running
    the same command again resumes the run, and different settings raise an error listing them.
    """
    run_dir = args.run_dir
    os.makedirs(run_dir, exist_ok=True)
    config_path = os.path.join(run_dir, CONFIG_FILE)
    if os.path.exists(os.path.join(run_dir, DONE_FILE)):
        print(f"{run_dir} is a finished run; its model is {run_dir}/{TRANSLATOR_FILE}")
        return os.path.join(run_dir, TRANSLATOR_FILE)
    settings = {k: v for k, v in vars(args).items() if k not in ("run_dir", "command")}
    if os.path.exists(config_path):
        with open(config_path) as file:
            stored = json.load(file)
        changed = {k: (stored.get(k), v) for k, v in settings.items() if stored.get(k) != v}
        if changed:
            listed = ", ".join(f"{k}: {old!r} -> {new!r}" for k, (old, new) in changed.items())
            raise ValueError(
                f"{run_dir} holds a run with other settings ({listed}); "
                "rerun it with its settings (see config.json) or pick a new --run-dir."
            )
        print(f"Resuming the run in {run_dir}.")
    keras.utils.set_random_seed(args.seed)
    source, target = _processors(args)
    translator = Translator(
        source,
        target,
        _model(args, source.vocabulary_size, target.vocabulary_size),
        sampler=_sampler(args),
        max_source_length=args.max_source_length,
        max_length=args.max_length or args.max_target_length,
    )
    lengths = {
        "max_source_length": args.max_source_length,
        "max_target_length": args.max_target_length,
        "too_long": args.too_long,
    }
    train_data = pipeline.text_pairs_dataset(
        args.train, source, target, args.batch_size, seed=args.seed, **lengths
    )
    valid_data = None
    if args.valid:
        valid_data = pipeline.text_pairs_dataset(
            args.valid, source, target, args.batch_size, shuffle=False, **lengths
        )
    if not os.path.exists(config_path):
        with open(config_path, "w") as file:
            json.dump(settings, file, indent=2)
    best_path = os.path.join(run_dir, TRANSLATOR_FILE)
    fit_callbacks = [
        # Before the backup: an epoch counts as done only once its best model is saved.
        _SaveBest(translator, best_path, "val_loss" if valid_data is not None else "loss"),
        keras.callbacks.BackupAndRestore(os.path.join(run_dir, "backup")),
        keras.callbacks.CSVLogger(os.path.join(run_dir, "log.csv"), append=True),
    ]
    if args.schedule != "none":
        fit_callbacks.append(callbacks.TeacherForcingSchedule(_schedule(args)))
    if args.time_budget > 0:
        fit_callbacks.append(_TimeBudget(args.time_budget * 60))
    history = translator.model.fit(
        train_data, validation_data=valid_data, epochs=args.epochs, callbacks=fit_callbacks
    )
    with open(os.path.join(run_dir, DONE_FILE), "w") as file:
        json.dump({k: [float(x) for x in v] for k, v in history.history.items()}, file)
    print(f"Run finished: {run_dir}. Best model: {best_path}")
    return best_path


def _schedule(args: argparse.Namespace) -> schedules.Schedule:
    make, default = SCHEDULES[args.schedule]
    return make(default if args.schedule_value is None else args.schedule_value, args)


def _processors(args: argparse.Namespace) -> tuple[TextProcessor, TextProcessor]:
    """The run's text processors: loaded when resuming, else adapted to the training data."""
    directory = os.path.join(args.run_dir, "processors")
    paths = [os.path.join(directory, f"{side}.keras") for side in ("source", "target")]
    if not all(os.path.exists(p) for p in paths) and args.processors_from:
        os.makedirs(directory, exist_ok=True)
        for side, path in zip(("source", "target"), paths, strict=True):
            shutil.copyfile(os.path.join(args.processors_from, "processors", f"{side}.keras"), path)
    if all(os.path.exists(p) for p in paths):
        return tuple(keras.saving.load_model(p) for p in paths)
    pairs = pipeline.read_tsv(args.train)
    processors = []
    for side, (name, level) in enumerate(
        (("source", args.source_level), ("target", args.target_level))
    ):
        processor = TextProcessor(level, args.vocabulary_size, case_fold=args.case_fold, name=name)
        processor.adapt(pair[side] for pair in pairs)
        processors.append(processor)
    os.makedirs(directory, exist_ok=True)
    for processor, path in zip(processors, paths, strict=True):
        keras.saving.save_model(processor, path)
    return tuple(processors)


def _model(
    args: argparse.Namespace, source_vocabulary_size: int, target_vocabulary_size: int
) -> Seq2Seq:
    encoder = Encoder(
        source_vocabulary_size,
        args.embedding_dim,
        args.units,
        cell=args.cell,
        num_layers=args.layers,
        bidirectional=args.bidirectional,
        dropout=args.dropout,
        reverse_source=args.reverse_source,
        seed=args.seed,
    )
    decoder = Decoder(
        target_vocabulary_size,
        args.embedding_dim,
        args.units,
        cell=args.cell,
        num_layers=args.layers,
        attention=None if args.attention == "none" else args.attention,
        input_feeding=not args.no_input_feeding,
        bridge="dense" if args.bidirectional else "copy",
        dropout=args.dropout,
        seed=args.seed,
    )
    model = Seq2Seq(encoder, decoder, seed=args.seed)
    model.compile(
        optimizer=keras.optimizers.Adam(args.learning_rate, clipnorm=5.0),
        loss=MaskedCrossEntropy(label_smoothing=args.label_smoothing),
    )
    return model


class _SaveBest(keras.callbacks.Callback):
    """Saves the Translator (without optimizer state: the backup holds that) whenever the
    monitored loss improves; the best value so far is kept beside it, so a resumed run only
    replaces a better model. Saves once at the end if nothing was saved yet."""

    def __init__(self, translator: Translator, path: str, monitor: str):
        super().__init__()
        self.translator, self.path, self.monitor = translator, path, monitor
        self.record = path + ".best.json"
        self.best = np.inf
        if os.path.exists(self.record):
            with open(self.record) as file:
                self.best = json.load(file)[monitor]

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        value = (logs or {}).get(self.monitor, np.inf)
        if value < self.best:
            self._save()
            self.best = float(value)
            with open(self.record, "w") as file:
                json.dump({self.monitor: self.best, "epoch": epoch}, file)

    def on_train_end(self, logs: dict | None = None) -> None:
        if not os.path.exists(self.path):
            self._save()

    def _save(self) -> None:
        _ = self.model  # reading `self.model` syncs JAX training state into the variables
        partial = self.path[: -len(".keras")] + ".partial.keras"
        self.translator.save(partial, include_optimizer=False)
        os.replace(partial, self.path)  # never a half-written best model


class _TimeBudget(keras.callbacks.Callback):
    """Stops training once `seconds` of wall time have passed (checked after every batch)."""

    def __init__(self, seconds: float):
        super().__init__()
        self.seconds = seconds

    def on_train_begin(self, logs: dict | None = None) -> None:
        self.start = time.monotonic()

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        if time.monotonic() - self.start > self.seconds:
            self.model.stop_training = True


def _load(args: argparse.Namespace) -> Translator:
    path = args.model
    if os.path.isdir(path) and os.path.exists(os.path.join(path, TRANSLATOR_FILE)):
        path = os.path.join(path, TRANSLATOR_FILE)
    translator = Translator.load(path)
    if args.beam_width is not None:
        translator.sampler = _sampler(args)
    if args.max_length is not None:
        translator.max_length = validation.positive_int("--max-length", args.max_length)
    return translator


def evaluate(args: argparse.Namespace) -> dict:
    """Scores the model's translations of a TSV file's sources against its targets."""
    import sacrebleu

    pairs = pipeline.read_tsv(args.tsv)
    if not pairs:
        raise ValueError(f"{args.tsv!r} holds no pairs to evaluate.")
    translator = _load(args)
    sources, references = [p[0] for p in pairs], [p[1] for p in pairs]
    # Outputs are normalized text (Unicode form, spaces, case folding if trained so); exact match
    # compares them with references normalized the same way. BLEU and chrF use raw references.
    normalized = [
        t.decode("utf-8") for t in translator.target_processor.normalize(references).numpy()
    ]
    hypotheses = translator.translate(sources, batch_size=args.batch_size)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as file:
            file.writelines(h + "\n" for h in hypotheses)
    scores = {
        "pairs": len(pairs),
        "bleu": sacrebleu.corpus_bleu(hypotheses, [references]).score,
        "chrf": sacrebleu.corpus_chrf(hypotheses, [references]).score,
        "exact_match": float(
            np.mean([h == r for h, r in zip(hypotheses, normalized, strict=True)])
        ),
        "sampler": repr(translator.sampler),
    }
    print(json.dumps(scores))
    return scores


def translate(args: argparse.Namespace) -> None:
    """Translates a file or stdin (UTF-8, one text per line), printing one line per line."""
    translator = _load(args)
    if args.input:
        if not os.path.isfile(args.input):
            raise FileNotFoundError(f"No such input file: {args.input!r}")
        with open(args.input, encoding="utf-8", errors="replace") as file:
            _translate_lines(translator, file, args.batch_size)
    elif hasattr(sys.stdin, "buffer"):
        stdin = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
        try:
            _translate_lines(translator, stdin, args.batch_size)
        finally:
            stdin.detach()  # leaves the process's stdin open
    else:  # stdin replaced by a text stream (a notebook, a test)
        _translate_lines(translator, sys.stdin, args.batch_size)


def _translate_lines(translator: Translator, lines: Iterable[str], batch_size: int) -> None:
    batch = []
    for line in lines:  # a text file iterates on "\n" only: outputs stay aligned with inputs
        batch.append(line.rstrip("\r\n"))
        if len(batch) == batch_size:
            _print_translations(translator, batch)
            batch = []
    _print_translations(translator, batch)


def _print_translations(translator: Translator, texts: list[str]) -> None:
    for text in translator.translate(texts, batch_size=max(len(texts), 1)):
        print(text)
    sys.stdout.flush()


def export(args: argparse.Namespace) -> None:
    _load(args).export(args.output)
    print(f"SavedModel written to {args.output}")


def run_demo(args: argparse.Namespace) -> dict:
    from keras_seq2seq import demo

    return demo.run(args.run_dir, demo.QUICK if args.quick else demo.Budget(), seed=args.seed)


def main(argv: list[str] | None = None) -> None:
    """Runs the command line (`keras-seq2seq --help`)."""
    parser = _parser()
    args = parser.parse_args(argv)
    command = {
        "demo": run_demo,
        "train": train,
        "evaluate": evaluate,
        "translate": translate,
        "export": export,
    }
    try:
        command[args.command](args)
    except (FileNotFoundError, FileExistsError, ValueError) as error:
        parser.exit(2, f"keras-seq2seq {args.command}: error: {error}\n")


if __name__ == "__main__":
    main()

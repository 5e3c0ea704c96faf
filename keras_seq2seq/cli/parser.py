"""The command line's flags, and the settings they make.

The defaults of `train`'s flags come from the settings dataclasses, so `--help` and
`config.json` agree. `target_embedding_dim` has no flag: it is for the demo's model.
"""

import argparse
import dataclasses

from keras_seq2seq import choices, validation
from keras_seq2seq.cli import settings

_FORMATTER = argparse.ArgumentDefaultsHelpFormatter


def _default(part: type, name: str):
    return {f.name: f.default for f in dataclasses.fields(part)}[name]


def build_parser() -> argparse.ArgumentParser:
    """The `keras-seq2seq` parser: demo, train, evaluate, translate, tune, export."""
    parser = argparse.ArgumentParser(
        prog="keras-seq2seq",
        description="Train, evaluate and serve RNN sequence-to-sequence models on TSV data "
        "(one `source<TAB>target` pair per line). Set KERAS_BACKEND to pick the backend, and "
        "TF_CPP_MIN_LOG_LEVEL=0 to see TensorFlow's C++ log (hidden by default).",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser(
        "demo",
        help="train, evaluate, plot and export a date-normalization model (about 5 minutes)",
        description="Trains an attention model to rewrite dates written the way 24 locales "
        "write them as ISO dates, then reports held-out exact match, plots the attention and "
        "the training curves, exports a SavedModel and translates through it.",
        formatter_class=_FORMATTER,
    )
    demo.add_argument(
        "--run-dir", help="a new directory for the artifacts (default: runs/demo-<time>)"
    )
    demo.add_argument(
        "--quick",
        action="store_true",
        help="a smoke test: little data, one small epoch (the model learns little)",
    )
    demo.add_argument("--seed", type=int, default=0)
    _add_train_flags(
        commands.add_parser(
            "train",
            help="train a model on a TSV file into a run directory (rerun it to resume)",
            description="Trains a Translator. The run directory gets config.json, the text "
            "processors, log.csv, and translator.keras (the best model so far by validation "
            "loss, or training loss without --valid). Running the same command again after an "
            "interruption resumes from the last finished epoch.",
            formatter_class=_FORMATTER,
        )
    )
    evaluate = commands.add_parser(
        "evaluate", formatter_class=_FORMATTER, help="BLEU, chrF and exact match on a TSV file"
    )
    _add_model_flag(evaluate)
    evaluate.add_argument("--tsv", required=True, help="pairs to score against, a TSV file")
    evaluate.add_argument("--output", help="also write the translations here, one per line")
    evaluate.add_argument(
        "--metric",
        choices=choices.METRICS,
        default="translation",
        help="the task's scores: BLEU, chrF and exact match, plus ROUGE-1/2/L (summarization), "
        "name, argument and line matches and the parse rate (code), or distinct-1/2 (dialogue)",
    )
    _add_decoding_flags(evaluate)
    translate = commands.add_parser(
        "translate", formatter_class=_FORMATTER, help="translate lines from stdin or a file"
    )
    _add_model_flag(translate)
    translate.add_argument("--input", help="a text file, one source per line (default stdin)")
    _add_decoding_flags(translate)
    tune = commands.add_parser(
        "tune",
        formatter_class=_FORMATTER,
        help="choose beam search's length penalty on validation pairs",
        description="Translates the pairs with beam search once per length penalty, prints "
        "the BLEU and chrF of each, and with --save stores the best in the model's file.",
    )
    tune.add_argument("--model", required=True, help="a run directory or a .keras Translator")
    tune.add_argument("--tsv", required=True, help="validation pairs, a TSV file")
    tune.add_argument(
        "--length-penalties",
        type=float,
        nargs="+",
        default=[0.0, 0.3, 0.6, 1.0, 1.5],
        help="the values of alpha to try",
    )
    tune.add_argument("--metric", choices=("bleu", "chrf"), default="bleu")
    tune.add_argument(
        "--save",
        action="store_true",
        help="replace the model's file with one whose beam search has the best penalty",
    )
    tune.add_argument(
        "--beam-width", type=int, default=None, help="the beam (default: as saved, at least 2)"
    )
    tune.add_argument("--batch-size", type=int, default=64, help="texts per batch")
    export = commands.add_parser(
        "export", formatter_class=_FORMATTER, help="write a SavedModel for TensorFlow Serving"
    )
    _add_model_flag(export)
    export.add_argument("--output", required=True, help="the SavedModel directory")
    _add_decoding_flags(export)
    return parser


def _add_train_flags(train: argparse.ArgumentParser) -> None:
    data_part, model_part = settings.DataSettings, settings.ModelSettings
    training_part = settings.TrainingSettings
    data = train.add_argument_group("data")
    data.add_argument("--train", required=True, help="training pairs, a TSV file")
    data.add_argument("--valid", help="validation pairs, a TSV file (picks the best epoch)")
    data.add_argument("--run-dir", required=True, help="where everything is written")
    for side in ("source", "target"):
        data.add_argument(
            f"--{side}-level",
            choices=settings.LEVELS,
            default=_default(data_part, f"{side}_level"),
        )
    data.add_argument(
        "--vocabulary-size",
        type=int,
        default=_default(data_part, "vocabulary_size"),
        help="per language, or in all with --joint-vocabulary",
    )
    data.add_argument(
        "--joint-vocabulary",
        action="store_true",
        help="one vocabulary learned from both languages (needed by --copy-attention)",
    )
    data.add_argument("--case-fold", action="store_true", help="fold case before tokenizing")
    data.add_argument(
        "--processors-from",
        help="reuse the text processors of another run directory instead of learning them",
    )
    for side in ("source", "target"):
        name = f"max_{side}_length"
        data.add_argument(
            f"--max-{side}-length", type=int, default=_default(data_part, name), help="in tokens"
        )
    data.add_argument(
        "--too-long", choices=settings.TOO_LONG, default=_default(data_part, "too_long")
    )
    model = train.add_argument_group("model")
    model.add_argument("--cell", choices=settings.CELLS, default=_default(model_part, "cell"))
    model.add_argument(
        "--layers",
        type=int,
        default=_default(model_part, "layers"),
        help="RNN layers in each of encoder/decoder",
    )
    model.add_argument("--embedding-dim", type=int, default=_default(model_part, "embedding_dim"))
    model.add_argument("--units", type=int, default=_default(model_part, "units"))
    model.add_argument("--bidirectional", action="store_true", help="bidirectional encoder")
    model.add_argument("--reverse-source", action="store_true", help="Sutskever's trick")
    model.add_argument(
        "--attention", choices=settings.ATTENTIONS, default=_default(model_part, "attention")
    )
    model.add_argument("--no-input-feeding", action="store_true")
    model.add_argument(
        "--copy-attention",
        action="store_true",
        help="pointer-generator decoder that can copy source tokens (with --joint-vocabulary)",
    )
    model.add_argument(
        "--tie-embeddings",
        action="store_true",
        help="project to logits with the target embedding matrix (fewer weights)",
    )
    model.add_argument(
        "--share-embeddings",
        action="store_true",
        help="one embedding table for source and target (needs --joint-vocabulary; with "
        "--tie-embeddings, three-way tying)",
    )
    model.add_argument(
        "--coverage-loss-weight",
        type=float,
        default=_default(model_part, "coverage_loss_weight"),
        help="weight of the coverage loss against repeated attention (See et al. 2017; 0: off)",
    )
    model.add_argument("--dropout", type=float, default=_default(model_part, "dropout"))
    fitting = train.add_argument_group("training")
    for name in ("batch_size", "epochs", "learning_rate", "label_smoothing"):
        default = _default(training_part, name)
        fitting.add_argument(f"--{name.replace('_', '-')}", type=type(default), default=default)
    fitting.add_argument(
        "--warmup-steps",
        type=int,
        default=_default(training_part, "warmup_steps"),
        help="steps of linear learning-rate warm-up (0: none)",
    )
    fitting.add_argument(
        "--decay",
        choices=settings.DECAYS,
        default=_default(training_part, "decay"),
        help="the learning rate after the warm-up: constant, or inverse square root",
    )
    fitting.add_argument(
        "--schedule",
        choices=settings.SCHEDULES,
        default=_default(training_part, "schedule"),
        help="scheduled sampling: how the teacher-forcing ratio falls per step (none: always 1)",
    )
    fitting.add_argument(
        "--schedule-value",
        type=float,
        default=None,
        help="the ratio (constant, default 0.9), slope per step (linear, 1e-4) or k "
        "(exponential, 0.9999; inverse_sigmoid, 1000)",
    )
    fitting.add_argument(
        "--schedule-floor",
        type=float,
        default=_default(training_part, "schedule_floor"),
        help="linear's floor",
    )
    fitting.add_argument(
        "--time-budget",
        type=float,
        default=_default(training_part, "time_budget"),
        help="stop after this many minutes of training (per invocation; a run stopped by it "
        "counts as finished); 0: no limit",
    )
    fitting.add_argument(
        "--average-last",
        type=int,
        default=_default(training_part, "average_last"),
        help="at the end, average the weights of the last N epochs; the average replaces the "
        "best model if it scores better on --monitor (0: off)",
    )
    fitting.add_argument(
        "--monitor",
        choices=settings.MONITORS,
        default=_default(training_part, "monitor"),
        help="what picks the best epoch: the validation loss, or the BLEU or chrF of greedy "
        "translations of --valid (one decoding pass per epoch)",
    )
    fitting.add_argument(
        "--patience",
        type=int,
        default=_default(training_part, "patience"),
        help="stop after N epochs without a better --monitor (0: never)",
    )
    fitting.add_argument("--seed", type=int, default=_default(training_part, "seed"))
    _add_decoding_flags(train, for_train=True)


def _add_model_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--model",
        required=True,
        nargs="+",
        help="a run directory, or a Translator saved as a .keras file; several make an ensemble "
        "that averages their distributions (same vocabularies needed; the first one's "
        "settings are used)",
    )


def _add_decoding_flags(parser: argparse.ArgumentParser, for_train: bool = False) -> None:
    group = parser.add_argument_group("decoding")
    group.add_argument(
        "--beam-width",
        type=int,
        default=_default(settings.DecodingSettings, "beam_width") if for_train else None,
        help="1: greedy; more: beam search" + ("" if for_train else " (default: as saved)"),
    )
    length_penalty = _default(settings.DecodingSettings, "length_penalty")
    group.add_argument(
        "--length-penalty",
        type=float,
        default=length_penalty if for_train else None,
        help="beam search alpha"
        + ("" if for_train else f" (default: as saved, or {length_penalty} for a new beam search)"),
    )
    group.add_argument(
        "--max-output-length",
        type=int,
        default=None,
        help="most output tokens, the end token included (default: "
        + ("--max-target-length)" if for_train else "as saved)"),
    )
    group.add_argument(
        "--max-length", type=int, default=None, help="deprecated: use --max-output-length"
    )
    if not for_train:
        group.add_argument("--batch-size", type=int, default=64, help="texts per batch")


def decoding_settings(args: argparse.Namespace) -> settings.DecodingSettings:
    """The decoding flags as settings (`--max-length` is the deprecated `--max-output-length`)."""
    max_output_length = args.max_output_length
    if args.max_length is not None:
        validation.deprecated("--max-length", "--max-output-length", category=FutureWarning)
        if max_output_length is not None:
            raise ValueError("--max-length is the deprecated --max-output-length; pass only one.")
        max_output_length = args.max_length
    return settings.DecodingSettings(
        beam_width=args.beam_width,
        length_penalty=args.length_penalty,
        max_output_length=max_output_length,
    )


def run_settings(args: argparse.Namespace) -> settings.RunSettings:
    """The `train` flags as `RunSettings` (validated)."""
    values = vars(args)

    def part(cls, **overrides):
        names = [name for name in settings.field_names(cls) if name not in overrides]
        return cls(**{name: values[name] for name in names}, **overrides)

    return settings.RunSettings(
        data=part(settings.DataSettings),
        model=part(
            settings.ModelSettings,
            input_feeding=not args.no_input_feeding,
            target_embedding_dim=None,
        ),
        training=part(settings.TrainingSettings),
        decoding=decoding_settings(args),
    )

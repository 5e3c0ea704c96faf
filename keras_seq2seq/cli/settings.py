"""The settings of a training run: typed, validated, and what a run directory's `config.json` holds.

`RunSettings` groups four parts: `DataSettings` (files, text processing, length limits),
`ModelSettings` (the architecture, which `builder.build_model` turns into a `Seq2Seq`),
`TrainingSettings` (optimization and scheduled sampling) and `DecodingSettings` (the search the
trained `Translator` uses). `config.json` is `RunSettings.to_dict()`, with a format version;
`from_dict` also reads the flat files of keras-seq2seq 0.1 (version 1).
"""

import dataclasses
from typing import Any

from keras_seq2seq import validation
from keras_seq2seq.choices import CELLS, DECAYS, LEVELS, MONITORS, TOO_LONG

VERSION = 2
ATTENTIONS = ("luong", "bahdanau", "none")
SCHEDULES = ("none", "constant", "linear", "exponential", "inverse_sigmoid")


@dataclasses.dataclass(frozen=True)
class DataSettings:
    """Training data and text processing.

    Args:
        train: the training pairs, a `source<TAB>target` TSV file.
        valid: the validation pairs (they pick the best epoch), or None.
        source_level, target_level: the `TextProcessor` level of each side.
        vocabulary_size: the most tokens per side (of the one vocabulary, if joint).
        joint_vocabulary: learn one vocabulary from both sides' texts and use it for both
            (needs the same level on both sides; copy attention needs it).
        case_fold: fold case before tokenizing.
        processors_from: a run directory whose text processors are reused, or None.
        max_source_length: the most source tokens.
        max_target_length: the most target tokens, the end token included.
        too_long: `"truncate"` or `"drop"` pairs beyond the limits.
    """

    train: str
    valid: str | None = None
    source_level: str = "subword"
    target_level: str = "subword"
    vocabulary_size: int = 8000
    joint_vocabulary: bool = False
    case_fold: bool = False
    processors_from: str | None = None
    max_source_length: int = 100
    max_target_length: int = 100
    too_long: str = "truncate"

    def __post_init__(self):
        validation.one_of("source_level", self.source_level, LEVELS)
        validation.one_of("target_level", self.target_level, LEVELS)
        validation.positive_int("vocabulary_size", self.vocabulary_size)
        if self.joint_vocabulary and self.source_level != self.target_level:
            raise ValueError(
                "joint_vocabulary needs the same level on both sides. Received: "
                f"source_level={self.source_level!r}, target_level={self.target_level!r}"
            )
        validation.positive_int("max_source_length", self.max_source_length)
        validation.positive_int("max_target_length", self.max_target_length)
        validation.one_of("too_long", self.too_long, TOO_LONG)


@dataclasses.dataclass(frozen=True)
class ModelSettings:
    """The architecture: an encoder and a decoder of the same cell kind and depth.

    Args:
        cell: `"lstm"`, `"gru"` or `"simple_rnn"`.
        layers: RNN layers in each of the encoder and decoder.
        embedding_dim: the width of the source embeddings (and of the target ones, unless
            `target_embedding_dim` is given).
        target_embedding_dim: the width of the target embeddings, or None.
        units: the width of each RNN layer.
        bidirectional: a bidirectional encoder (the decoder then starts from a dense bridge).
        reverse_source: reverse each source (Sutskever et al. 2014).
        attention: `"luong"`, `"bahdanau"` or `"none"`.
        input_feeding: feed the previous attentional vector into the next decoder step.
        dropout: the dropout rate of the encoder and the decoder.
        copy_attention: the pointer-generator decoder, which can copy source tokens (needs
            attention and a joint vocabulary).
        coverage_loss_weight: the weight of See et al.'s coverage loss (needs attention; 0: off).
        tie_embeddings: project to logits with the target embedding matrix (the attentional
            layer then has the target embedding's width; without attention, `units` must equal
            it).
        share_embeddings: one embedding table for source and target (needs a joint
            vocabulary); with `tie_embeddings`, three-way tying.
    """

    cell: str = "lstm"
    layers: int = 1
    embedding_dim: int = 256
    target_embedding_dim: int | None = None
    units: int = 512
    bidirectional: bool = False
    reverse_source: bool = False
    attention: str = "luong"
    input_feeding: bool = True
    dropout: float = 0.2
    copy_attention: bool = False
    coverage_loss_weight: float = 0.0
    tie_embeddings: bool = False
    share_embeddings: bool = False

    def __post_init__(self):
        validation.one_of("cell", self.cell, CELLS)
        validation.positive_int("layers", self.layers)
        validation.positive_int("embedding_dim", self.embedding_dim)
        if self.target_embedding_dim is not None:
            validation.positive_int("target_embedding_dim", self.target_embedding_dim)
        validation.positive_int("units", self.units)
        validation.one_of("attention", self.attention, ATTENTIONS)
        validation.unit_interval("dropout", self.dropout, include_one=False)
        validation.number("coverage_loss_weight", self.coverage_loss_weight, 0.0)
        if self.coverage_loss_weight and self.attention == "none":
            raise ValueError(
                "coverage_loss_weight is computed from the attention weights and needs "
                f"attention. Received: attention={self.attention!r}"
            )
        if self.copy_attention and self.attention == "none":
            raise ValueError(
                "copy_attention copies with the attention weights and needs attention. "
                f"Received: attention={self.attention!r}"
            )


@dataclasses.dataclass(frozen=True)
class TrainingSettings:
    """Optimization and scheduled sampling.

    Args:
        batch_size: pairs per batch.
        epochs: passes over the training data.
        learning_rate: Adam's learning rate, above 0 (the peak, with a warm-up).
        warmup_steps: steps of linear warm-up to `learning_rate` (0: none).
        decay: after the warm-up, `"none"` (constant) or `"inverse_sqrt"` (needs
            `warmup_steps`); see `training.learning_rates.Warmup`.
        label_smoothing: in [0, 1).
        schedule: how the teacher-forcing ratio falls: `"none"` (always 1), `"constant"`,
            `"linear"`, `"exponential"` or `"inverse_sigmoid"`.
        schedule_value: the schedule's parameter, or None for its default (see
            `builder.build_schedule`).
        schedule_floor: the linear schedule's floor.
        time_budget: minutes of training per invocation, 0 for no limit.
        average_last: at the end, average the weights of this many last epochs (0: none; at
            least 2 otherwise); the average replaces the best model if it scores better on
            `monitor`.
        monitor: what picks the best epoch: `"loss"` (the validation loss, or the training
            loss without validation data), or `"bleu"` or `"chrf"` of the greedy translations
            of the validation pairs (needs them; one decoding pass per epoch).
        patience: stop after this many epochs without a better `monitor` (0: never).
        seed: the seed of the weights, the shuffling and every draw.
    """

    batch_size: int = 64
    epochs: int = 10
    learning_rate: float = 1e-3
    warmup_steps: int = 0
    decay: str = "none"
    label_smoothing: float = 0.1
    schedule: str = "none"
    schedule_value: float | None = None
    schedule_floor: float = 0.5
    time_budget: float = 0.0
    average_last: int = 0
    monitor: str = "loss"
    patience: int = 0
    seed: int = 0

    def __post_init__(self):
        validation.positive_int("batch_size", self.batch_size)
        validation.positive_int("epochs", self.epochs)
        validation.number("learning_rate", self.learning_rate, 0.0, exclusive=True)
        validation.non_negative_int("warmup_steps", self.warmup_steps)
        validation.one_of("decay", self.decay, DECAYS)
        if self.decay != "none" and self.warmup_steps == 0:
            raise ValueError(
                f"decay={self.decay!r} decays from the end of the warm-up and needs "
                "warmup_steps of at least 1. Received: warmup_steps=0"
            )
        validation.unit_interval("label_smoothing", self.label_smoothing, include_one=False)
        validation.one_of("schedule", self.schedule, SCHEDULES)
        if self.schedule_value is not None:
            validation.number("schedule_value", self.schedule_value)
        validation.unit_interval("schedule_floor", self.schedule_floor)
        validation.number("time_budget", self.time_budget, 0.0)
        validation.non_negative_int("average_last", self.average_last)
        if self.average_last == 1:
            raise ValueError(
                "average_last averages several epochs: 0 (off) or at least 2. Received: "
                "average_last=1"
            )
        validation.one_of("monitor", self.monitor, MONITORS)
        validation.non_negative_int("patience", self.patience)
        validation.non_negative_int("seed", self.seed)


@dataclasses.dataclass(frozen=True)
class DecodingSettings:
    """The search of a `Translator`.

    Args:
        beam_width: 1 for greedy search, more for beam search; None keeps the saved search.
        length_penalty: beam search's alpha, at least 0; None keeps the saved value (loading
            only).
        max_output_length: the most tokens per translation, the end token included; None keeps
            the saved value (in training: `max_target_length`).
    """

    beam_width: int | None = 4
    length_penalty: float | None = 0.6
    max_output_length: int | None = None

    def __post_init__(self):
        if self.beam_width is not None:
            validation.positive_int("beam_width", self.beam_width)
        if self.length_penalty is not None:
            validation.number("length_penalty", self.length_penalty, 0.0)
        if self.max_output_length is not None:
            validation.positive_int("max_output_length", self.max_output_length)


PARTS = {
    "data": DataSettings,
    "model": ModelSettings,
    "training": TrainingSettings,
    "decoding": DecodingSettings,
}
# Keys of a 0.1 `config.json` (the flags' names) that are spelled differently now.
_VERSION_1_RENAMES = {"max_length": "max_output_length"}


def field_names(part: type) -> list[str]:
    """The setting names of one part (`DataSettings`, ...), in declaration order."""
    return [field.name for field in dataclasses.fields(part)]


@dataclasses.dataclass(frozen=True)
class RunSettings:
    """Everything a training run is made from; `config.json` stores `to_dict()`."""

    data: DataSettings
    model: ModelSettings = ModelSettings()
    training: TrainingSettings = TrainingSettings()
    decoding: DecodingSettings = DecodingSettings()

    def __post_init__(self):
        joint = self.data.joint_vocabulary or self.data.processors_from is not None
        if self.model.copy_attention and not joint:
            raise ValueError(
                "copy_attention reads source ids as target ids and needs joint_vocabulary "
                "(the flag --joint-vocabulary). Received: joint_vocabulary=False"
            )
        if self.model.share_embeddings and not joint:
            raise ValueError(
                "share_embeddings embeds both sides with one table and needs joint_vocabulary "
                "(the flag --joint-vocabulary). Received: joint_vocabulary=False"
            )
        if self.training.monitor != "loss" and self.data.valid is None:
            raise ValueError(
                f"monitor={self.training.monitor!r} scores translations of the validation pairs "
                "and needs valid (the flag --valid). Received: valid=None"
            )

    def to_dict(self) -> dict:
        return {
            "version": VERSION,
            **{name: dataclasses.asdict(getattr(self, name)) for name in PARTS},
        }

    @classmethod
    def from_dict(cls, config: dict, source: str = "config.json") -> "RunSettings":
        """Settings from `to_dict()` output, or from a 0.1 file (flat, no version).

        Args:
            config: the parsed JSON.
            source: the file's name for error messages.
        """
        if not isinstance(config, dict):
            raise ValueError(f"{source} must hold a JSON object. Received: {config!r:.80}")
        version = config.get("version", 1)
        if version == 1:
            config = _from_version_1(config, source)
        elif version != VERSION:
            raise ValueError(
                f"{source} has format version {version!r}; this keras-seq2seq reads versions "
                f"1 and {VERSION}."
            )
        unknown = sorted(set(config) - {"version", *PARTS})
        if unknown:
            raise ValueError(f"{source} has unknown sections {unknown}.")
        parts = {}
        for name, part in PARTS.items():
            values = config.get(name, {})
            known = set(field_names(part))
            if not isinstance(values, dict) or set(values) - known:
                extra = sorted(set(values) - known) if isinstance(values, dict) else values
                raise ValueError(f"{source}: section {name!r} has unknown settings {extra}.")
            try:
                parts[name] = part(**values)
            except TypeError as error:  # a required setting is missing
                raise ValueError(f"{source}: section {name!r}: {error}") from None
        return cls(**parts)

    def differences(self, other: "RunSettings") -> list[str]:
        """`"name: mine -> other's"` for each setting that differs, by setting name."""
        mine, theirs = _flat(self), _flat(other)
        return [f"{k}: {mine[k]!r} -> {theirs[k]!r}" for k in mine if mine[k] != theirs[k]]


def _flat(settings: RunSettings) -> dict[str, Any]:
    return {
        key: getattr(getattr(settings, name), key)
        for name, part in PARTS.items()
        for key in field_names(part)
    }


def _from_version_1(config: dict, source: str) -> dict:
    """A 0.1 `config.json` (the parsed flags, flat) as a version 2 dict."""
    flat = {_VERSION_1_RENAMES.get(key, key): value for key, value in config.items()}
    if "no_input_feeding" in flat:
        flat["input_feeding"] = not flat.pop("no_input_feeding")
    converted = {"version": VERSION}
    for name, part in PARTS.items():
        names = set(field_names(part))
        converted[name] = {key: flat.pop(key) for key in list(flat) if key in names}
    if flat:
        raise ValueError(f"{source} (version 1) has unknown settings {sorted(flat)}.")
    return converted

"""From settings to objects: the one model builder of the command line, the demo and the bench."""

from collections.abc import Iterable

import keras

from keras_seq2seq import samplers
from keras_seq2seq.cli.settings import (
    DataSettings,
    DecodingSettings,
    ModelSettings,
    TrainingSettings,
)
from keras_seq2seq.data.text import TextProcessor
from keras_seq2seq.layers.decoder import Decoder
from keras_seq2seq.layers.encoder import Encoder
from keras_seq2seq.model import Seq2Seq
from keras_seq2seq.training import schedules
from keras_seq2seq.training.learning_rates import Warmup
from keras_seq2seq.training.losses import MaskedCrossEntropy

# Each schedule's one parameter (`schedule_value`) and its default.
SCHEDULE_DEFAULTS = {
    "constant": 0.9,
    "linear": 1e-4,
    "exponential": 0.9999,
    "inverse_sigmoid": 1000.0,
}


def build_model(
    settings: ModelSettings, source_vocabulary_size: int, target_vocabulary_size: int, seed=None
) -> Seq2Seq:
    """An uncompiled `Seq2Seq` of the given architecture; `seed` seeds every draw it makes.

    A bidirectional encoder's states reach the decoder through a dense bridge; otherwise they
    are copied.
    """
    encoder = Encoder(
        source_vocabulary_size,
        settings.embedding_dim,
        settings.units,
        cell=settings.cell,
        num_layers=settings.layers,
        bidirectional=settings.bidirectional,
        dropout=settings.dropout,
        reverse_source=settings.reverse_source,
        seed=seed,
    )
    target_embedding_dim = settings.target_embedding_dim or settings.embedding_dim
    attention = None if settings.attention == "none" else settings.attention
    decoder = Decoder(
        target_vocabulary_size,
        target_embedding_dim,
        settings.units,
        cell=settings.cell,
        num_layers=settings.layers,
        attention=attention,
        # Tied embeddings project the attentional vector with the embedding matrix.
        attention_layer_size=target_embedding_dim
        if settings.tie_embeddings and attention
        else None,
        input_feeding=settings.input_feeding,
        bridge="dense" if settings.bidirectional else "copy",
        dropout=settings.dropout,
        copy_attention=settings.copy_attention,
        coverage_loss_weight=settings.coverage_loss_weight,
        tie_embeddings=settings.tie_embeddings,
        seed=seed,
    )
    return Seq2Seq(encoder, decoder, seed=seed, share_embeddings=settings.share_embeddings)


def compile_for_training(model: Seq2Seq, settings: TrainingSettings) -> Seq2Seq:
    """Compiles `model` with Adam (gradient norm clipped to 5, the learning rate warmed up and
    decayed as set) and the masked loss."""
    learning_rate = settings.learning_rate
    if settings.warmup_steps:
        learning_rate = Warmup(learning_rate, settings.warmup_steps, settings.decay)
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate, clipnorm=5.0),
        loss=MaskedCrossEntropy(label_smoothing=settings.label_smoothing),
    )
    return model


def build_schedule(settings: TrainingSettings) -> schedules.Schedule | None:
    """The teacher-forcing schedule of the settings, or None for `schedule="none"`."""
    if settings.schedule == "none":
        return None
    value = settings.schedule_value
    if value is None:
        value = SCHEDULE_DEFAULTS[settings.schedule]
    if settings.schedule == "constant":
        return schedules.Constant(value)
    if settings.schedule == "linear":
        return schedules.Linear(1.0, slope=value, floor=settings.schedule_floor)
    if settings.schedule == "exponential":
        return schedules.Exponential(value)
    return schedules.InverseSigmoid(value)


def build_sampler(settings: DecodingSettings) -> samplers.Sampler:
    """Greedy search for `beam_width=1`, else beam search with the length penalty."""
    if settings.beam_width == 1:
        return samplers.Greedy()
    return samplers.BeamSearch(settings.beam_width, length_penalty=settings.length_penalty)


def replace_search(saved: samplers.Sampler, settings: DecodingSettings) -> samplers.Sampler:
    """A loaded model's search with the settings that are not None replacing its own.

    A new beam width keeps a saved beam search's penalties (a length penalty tuned on valid
    stays); a beam search replacing another search gets the default length penalty unless one
    is given. A length penalty alone changes a saved beam search's; for any other saved search
    it is an error, as is a length penalty with `beam_width=1`.
    """
    if settings.beam_width is None and settings.length_penalty is None:
        return saved
    beam = saved.get_config() if isinstance(saved, samplers.BeamSearch) else {}
    beam_width = settings.beam_width or beam.get("beam_width", 1)
    if beam_width == 1 and settings.length_penalty is None:
        return samplers.Greedy()
    if beam_width == 1:
        raise ValueError(
            f"A length penalty needs beam search, and this model would decode with "
            f"{samplers.Greedy() if settings.beam_width else saved!r}: pass --beam-width 2 or "
            f"more. Received: length_penalty={settings.length_penalty}"
        )
    changes = {"beam_width": beam_width}
    if settings.length_penalty is not None:
        changes["length_penalty"] = settings.length_penalty
    elif not beam:
        changes["length_penalty"] = DecodingSettings().length_penalty
    return samplers.BeamSearch(**{**beam, **changes})


def adapt_processors(
    settings: DataSettings, pairs: Iterable[tuple[str, str]]
) -> tuple[TextProcessor, TextProcessor]:
    """Source and target `TextProcessor`s with vocabularies learned from `pairs`.

    With `joint_vocabulary`, one vocabulary is learned from both sides' texts and both processors
    hold it.
    """
    pairs = list(pairs)
    if settings.joint_vocabulary:
        source = TextProcessor(
            settings.source_level,
            settings.vocabulary_size,
            case_fold=settings.case_fold,
            name="source",
        )
        source.adapt(text for pair in pairs for text in pair)
        target = TextProcessor.from_config({**source.get_config(), "name": "target"})
        target.set_vocabulary(source.vocabulary_data())
        return source, target
    processors = []
    for side, (name, level) in enumerate(
        (("source", settings.source_level), ("target", settings.target_level))
    ):
        processor = TextProcessor(
            level, settings.vocabulary_size, case_fold=settings.case_fold, name=name
        )
        processor.adapt(pair[side] for pair in pairs)
        processors.append(processor)
    return processors[0], processors[1]

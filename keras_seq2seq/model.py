"""`Seq2Seq`: an encoder and a decoder trained with `model.fit`, with scheduled sampling."""

import contextlib
import os
from collections.abc import Callable
from typing import Any

import keras
from keras import ops

from keras_seq2seq import atomic, validation
from keras_seq2seq.backend import distribute
from keras_seq2seq.data.arrays import check_training_arrays, unpack_inputs
from keras_seq2seq.generation import Generator
from keras_seq2seq.layers.decoder import Decoder
from keras_seq2seq.layers.encoder import Encoder
from keras_seq2seq.training import trainers
from keras_seq2seq.training.losses import MaskedCrossEntropy
from keras_seq2seq.training.metrics import MaskedAccuracy, SequenceExactMatch

PREDICTIONS = ("argmax", "sample")


@keras.saving.register_keras_serializable(package="keras_seq2seq")
class Seq2Seq(Generator, trainers.ScheduledSamplingTrainer, keras.Model):
    """An RNN encoder-decoder trained by maximum likelihood, with scheduled sampling.

    Data convention: ids 0 pad, 1 start, 2 end, 3 unknown (`keras_seq2seq.special_ids`).
    Inputs are `(source_ids, decoder_input_ids)` (or a dict with those keys): source ids
    `(batch, S)` and decoder inputs `(batch, T)` that start with the start token; labels are
    `(batch, T)` and end with the end token (`keras_seq2seq.data.add_start_and_end` builds both
    from targets). Padding sits at the end of each row.

    During `fit`, each target position gets the true previous token with probability
    `teacher_forcing_ratio` (a non-trainable variable, set by the
    `keras_seq2seq.callbacks.TeacherForcingSchedule` callback) and the model's own prediction
    otherwise. `evaluate` and `predict` always teacher-force; `generate` decodes freely.

    Args:
        encoder: a `keras_seq2seq.layers.Encoder`.
        decoder: a `keras_seq2seq.layers.Decoder`.
        prediction: how the model's own prediction is chosen where scheduled sampling feeds it:
            `"argmax"` or `"sample"` (from its softmax, as in Bengio et al. 2015).
        teacher_forcing_ratio: the initial ratio, in [0, 1].
        seed: the seed of the scheduled-sampling draws.
        sampling: the deprecated name of `prediction`.
        share_embeddings: embed source and target tokens with one table, the decoder's (over a
            joint vocabulary: the encoder and decoder need the same `vocabulary_size` and
            `embedding_dim`). With a decoder's `tie_embeddings=True` the output projection
            uses it too: three-way tying (Press & Wolf 2017), as OpenNMT's `share_embeddings`.

    Call arguments:
        inputs: `(source_ids, decoder_input_ids)`.
        training: whether dropout is active.
        teacher_forced: optional bool `(batch, T)`, True where the true previous token is fed
            (`draw_teacher_forcing` draws one); None is teacher forcing everywhere.
        choice: the deprecated name of `teacher_forced`.

    Returns:
        Logits `(batch, T, target_vocabulary_size)`.

    Example:
    ```python
    model = Seq2Seq(
        Encoder(vocabulary_size=8000, units=256),
        Decoder(vocabulary_size=8000, units=256, attention="luong"),
    )
    model.compile(optimizer="adam")  # masked cross-entropy, token accuracy, exact match
    model.fit((source_ids, decoder_input_ids), labels, epochs=10)
    outputs = model.generate(source_ids, sampler=samplers.BeamSearch(5), max_length=30)
    predicted_ids = outputs["token_ids"][:, 0]  # (batch, 30), the best hypothesis
    ```
    """

    def __init__(
        self,
        encoder: Encoder,
        decoder: Decoder,
        prediction: str = "argmax",
        teacher_forcing_ratio: float = 1.0,
        seed: int | None = None,
        sampling: str | None = None,
        share_embeddings: bool = False,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if not isinstance(encoder, Encoder):
            raise ValueError(f"`encoder` must be an Encoder. Received: encoder={encoder!r}")
        if not isinstance(decoder, Decoder):
            raise ValueError(f"`decoder` must be a Decoder. Received: decoder={decoder!r}")
        if decoder.copy_attention and encoder.vocabulary_size != decoder.vocabulary_size:
            raise ValueError(
                "A decoder with `copy_attention=True` reads source ids as target ids, so the "
                "encoder and decoder need one (joint) vocabulary of the same size. Received: "
                f"encoder vocabulary_size={encoder.vocabulary_size}, "
                f"decoder vocabulary_size={decoder.vocabulary_size}"
            )
        self.share_embeddings = bool(share_embeddings)
        if self.share_embeddings:
            sizes = [(c.vocabulary_size, c.embedding_dim) for c in (encoder, decoder)]
            if sizes[0] != sizes[1]:
                raise ValueError(
                    "`share_embeddings=True` embeds source and target with one table, so the "
                    "encoder and decoder need the same (vocabulary_size, embedding_dim). "
                    f"Received: encoder {sizes[0]}, decoder {sizes[1]}"
                )
            encoder.share_embedding(decoder.embedding)
        self.encoder = encoder
        self.decoder = decoder
        prediction = validation.renamed("sampling", sampling, "prediction", prediction, "argmax")
        self.prediction = validation.one_of("prediction", prediction, PREDICTIONS)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.teacher_forcing_ratio = self.add_weight(
            shape=(),
            initializer=keras.initializers.Constant(
                validation.unit_interval("teacher_forcing_ratio", teacher_forcing_ratio)
            ),
            trainable=False,
            dtype="float32",
            name="teacher_forcing_ratio",
        )
        self._generate_functions = {}
        self.build(((None, None), (None, None)))

    def build(self, input_shape=None):
        source_shape, target_shape = unpack_inputs(input_shape)
        # Deserialized sublayers come built; building them twice would add weights twice.
        if not self.encoder.built:
            self.encoder.build(source_shape)
        memory_shape = (source_shape[0], source_shape[1], self.encoder.output_dim)
        states_shape = [
            [(source_shape[0], w) for w in layer] for layer in self.encoder.state_structure
        ]
        if not self.decoder.built:
            self.decoder.build(target_shape, memory_shape, states_shape)
        self.built = True

    @property
    def sampling(self) -> str:
        """The deprecated name of `prediction`. Reading it does not warn: Keras's saving reads
        every attribute of a model."""
        return self.prediction

    @sampling.setter
    def sampling(self, value: str) -> None:
        validation.deprecated("Seq2Seq.sampling", "Seq2Seq.prediction")
        self.prediction = validation.one_of("sampling", value, PREDICTIONS)

    @property
    def rnn_layers(self) -> list[keras.layers.Layer]:
        """Every Keras RNN layer of the encoder and the decoder, both directions of a
        bidirectional one included."""
        layers = []
        for layer in [*self.encoder.rnn_layers, *self.decoder.rnn_layers]:
            if isinstance(layer, keras.layers.Bidirectional):
                layers += [layer.forward_layer, layer.backward_layer]
            else:
                layers.append(layer)
        return layers

    def call(self, inputs, training=None, teacher_forced=None, choice=None):
        teacher_forced = validation.renamed("choice", choice, "teacher_forced", teacher_forced)
        source_ids, decoder_input_ids = unpack_inputs(inputs)
        memory, mask, states = self.encoder(source_ids, training=training)
        shape = ops.shape(decoder_input_ids)
        sample_noise = None
        if teacher_forced is not None and self.prediction == "sample":
            sample_noise = distribute.uniform(shape, self.seed_generator)
        return self.decoder(
            decoder_input_ids,
            memory,
            mask,
            states,
            teacher_forced=teacher_forced,
            sample_noise=sample_noise,
            training=training,
            source_ids=self.encoder.memory_order(source_ids),
        )

    def branch_on_teacher_forcing(self, teacher_forced, forward: Callable):
        """`forward(None)` for a batch taught entirely by teacher forcing, else
        `forward(teacher_forced)`: the one place the fast teacher-forced path is chosen.

        A decoder without input feeding runs teacher forcing over the whole target at once (the
        same math as its step loop, in fewer, larger operations), so a batch whose
        `teacher_forced` entries are all True (always so at ratio 1.0) takes that path. Other
        decoders always run `forward(teacher_forced)`. Each backend's train step calls this
        around what it must keep inside one branch (on TensorFlow, the forward pass and its
        gradient: XLA cannot compile the gradient of a loop inside a conditional).

        Args:
            teacher_forced: bool `(batch, T)` from `draw_teacher_forcing`.
            forward: a function of `teacher_forced` (or None); it may draw random numbers.

        Returns:
            What `forward` returns.
        """
        if not self.decoder.parallel_teacher_forcing:
            return forward(teacher_forced)
        return ops.cond(
            ops.all(teacher_forced), lambda: forward(None), lambda: forward(teacher_forced)
        )

    def compute_output_spec(self, inputs, training=None, teacher_forced=None, choice=None):
        _, decoder_input_ids = unpack_inputs(inputs)
        shape = (*decoder_input_ids.shape, self.decoder.vocabulary_size)
        return keras.KerasTensor(shape, dtype=self.compute_dtype)

    def draw_teacher_forcing(self, inputs) -> tuple:
        """`(ratio, teacher_forced)` for one training batch: the ratio used and a bool `(batch, T)`.

        Each position is True (feed the true previous token) with probability
        `teacher_forcing_ratio`; the first position, the start token, is always True. Under a
        `tf.distribute` strategy each replica draws its rows of the global batch's matrix.
        """
        _, decoder_input_ids = unpack_inputs(inputs)
        ratio = ops.convert_to_tensor(self.teacher_forcing_ratio)
        shape = ops.shape(decoder_input_ids)
        uniform = distribute.uniform(shape, self.seed_generator)
        first = ops.expand_dims(ops.equal(ops.arange(shape[1]), 0), 0)
        return ratio, ops.logical_or(uniform < ratio, first)

    def draw_choice(self, inputs) -> tuple:
        """The deprecated name of `draw_teacher_forcing`."""
        validation.deprecated("draw_choice", "draw_teacher_forcing")
        return self.draw_teacher_forcing(inputs)

    def compile(self, optimizer="adam", loss="auto", metrics="auto", jit_compile="auto", **kwargs):
        """`keras.Model.compile` with this package's defaults.

        `loss="auto"` is `MaskedCrossEntropy()`; `metrics="auto"` are `MaskedAccuracy()` and
        `SequenceExactMatch()`; `jit_compile="auto"` also turns XLA on for TensorFlow, where
        Keras leaves it off on CPU (not under `tf.distribute` or with `run_eagerly=True`): the
        decoder's step loop gains most from it.
        """
        if loss == "auto":
            loss = MaskedCrossEntropy()
        if metrics == "auto":
            metrics = [MaskedAccuracy(), SequenceExactMatch()]
        if jit_compile == "auto" and not kwargs.get("run_eagerly"):
            jit_compile = trainers.default_jit_compile()
        super().compile(
            optimizer=optimizer, loss=loss, metrics=metrics, jit_compile=jit_compile, **kwargs
        )
        if getattr(self, "_distribute_strategy", None) is not None:
            # Build the loss and metrics now from int id specs: under `tf.distribute`, Keras would
            # build them at `fit` from a batch averaged over the replicas, whose ids are floats.
            ids = keras.KerasTensor((None, None), dtype="int32")
            self._symbolic_build(data_batch=((ids, ids), ids))

    def save(self, filepath, overwrite: bool = True, **kwargs) -> None:
        """Keras's `Model.save`, replacing an existing file only once the new one is complete
        (see `keras_seq2seq.atomic`): a failed save leaves the old file intact."""
        if not overwrite and os.path.exists(filepath):
            return super().save(filepath, overwrite=False, **kwargs)  # Keras asks the user
        with atomic.replacing(filepath) as partial:
            super().save(partial, **kwargs)

    def compile_from_config(self, config: dict) -> None:
        # Keras skips this for models that override `compile`; ours only fills in defaults.
        self.compile(**keras.saving.deserialize_keras_object(config))
        if self.optimizer is not None and self.built:
            self.optimizer.build(self.trainable_variables)

    def check_data(self, x, y=None, labels_required: bool = False) -> Any:
        """Checks the data of `fit`, `evaluate` or `predict`; returns the `x` to pass on.

        Array inputs and labels are checked eagerly (with `labels_required`, labels must be
        given). A `tf.data.Dataset` is returned with the ids of every batch checked as it is read
        (`keras_seq2seq.data.pipeline.check_dataset_ids`); generators are returned unchecked.
        """
        sizes = (self.encoder.vocabulary_size, self.decoder.vocabulary_size)
        check_training_arrays(x, y, *sizes, labels_required=labels_required)
        if not _is_tf_dataset(x):
            return x
        from keras_seq2seq.data import pipeline  # TensorFlow is loaded: `x` is a tf.data dataset

        return pipeline.check_dataset_ids(x, *sizes)

    def fit(self, x=None, y=None, *args, **kwargs):
        if not args and "shuffle" not in kwargs and _is_tf_dataset(x):
            # A tf.data dataset brings its own order; Keras warns that it ignores shuffle=True.
            kwargs["shuffle"] = False
        x = self.check_data(x, y, labels_required=True)
        with _dataset_id_errors(x):
            return super().fit(x, y, *args, **kwargs)

    def evaluate(self, x=None, y=None, *args, **kwargs):
        x = self.check_data(x, y, labels_required=True)
        with _dataset_id_errors(x):
            return super().evaluate(x, y, *args, **kwargs)

    def predict(self, x, *args, **kwargs):
        x = self.check_data(x)
        with _dataset_id_errors(x):
            return super().predict(x, *args, **kwargs)

    @property
    def source_vocabulary_size(self) -> int:
        return self.encoder.vocabulary_size

    @property
    def target_vocabulary_size(self) -> int:
        return self.decoder.vocabulary_size

    @property
    def has_attention(self) -> bool:
        return self.decoder.attention is not None

    @property
    def needs_joint_vocabulary(self) -> bool:
        """Whether source and target ids must mean the same tokens: the decoder copies source
        tokens (`copy_attention`), or one table embeds both sides (`share_embeddings`)."""
        return self.decoder.copy_attention or self.share_embeddings

    def search_inputs(self, source_ids) -> tuple:
        """What a search starts from (`Generator.search`): the decoder's step function, its
        initial state and prepared memory, and the source mask `(batch, S)`."""
        memory, mask, encoder_states = self.encoder(source_ids, training=False)
        state = self.decoder.initial_state(encoder_states, ops.shape(source_ids)[0])
        prepared = self.decoder.prepare_memory(memory, mask, self.encoder.memory_order(source_ids))
        return self.decoder.step, state, prepared, mask

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "encoder": keras.saving.serialize_keras_object(self.encoder),
                "decoder": keras.saving.serialize_keras_object(self.decoder),
                "prediction": self.prediction,
                "teacher_forcing_ratio": float(ops.convert_to_numpy(self.teacher_forcing_ratio)),
                "seed": self.seed,
                "share_embeddings": self.share_embeddings,
            }
        )
        return config

    @classmethod
    def from_config(cls, config: dict) -> "Seq2Seq":
        config = dict(config)
        if "sampling" in config:  # saved by 0.1
            config["prediction"] = config.pop("sampling")
        config["encoder"] = keras.saving.deserialize_keras_object(config["encoder"])
        config["decoder"] = keras.saving.deserialize_keras_object(config["decoder"])
        return cls(**config)


def _is_tf_dataset(x) -> bool:
    return type(x).__module__.startswith("tensorflow")


def _dataset_id_errors(x) -> contextlib.AbstractContextManager:
    """`pipeline.dataset_id_errors()` around a loop over a tf.data dataset; nothing otherwise,
    so that this module does not import TensorFlow."""
    if not _is_tf_dataset(x):
        return contextlib.nullcontext()
    from keras_seq2seq.data import pipeline

    return pipeline.dataset_id_errors()

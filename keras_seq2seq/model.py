"""`Seq2Seq`: an encoder and a decoder trained with `model.fit`, with scheduled sampling."""

import keras
import numpy as np
from keras import ops

from keras_seq2seq import compiled, distribute, samplers, trainers, validation
from keras_seq2seq.decoder import Decoder
from keras_seq2seq.encoder import Encoder
from keras_seq2seq.losses import MaskedCrossEntropy
from keras_seq2seq.metrics import MaskedAccuracy, SequenceExactMatch
from keras_seq2seq.special_ids import PAD_ID, START_ID

INPUT_KEYS = ("source_ids", "decoder_input_ids")


def unpack_inputs(inputs):
    """`(source_ids, decoder_input_ids)` from a pair or a dict with those keys."""
    if isinstance(inputs, dict):
        missing = [k for k in INPUT_KEYS if k not in inputs]
        if missing:
            raise ValueError(
                f"Seq2Seq inputs need the keys {INPUT_KEYS}; missing {missing}. "
                f"Received keys: {sorted(inputs)}"
            )
        return inputs["source_ids"], inputs["decoder_input_ids"]
    if isinstance(inputs, (list, tuple)) and len(inputs) == 2:
        return inputs[0], inputs[1]
    raise ValueError(
        "Seq2Seq inputs must be (source_ids, decoder_input_ids) or a dict with the keys "
        f"{INPUT_KEYS}. Received: {type(inputs).__name__}"
    )


def _is_array(value) -> bool:
    return isinstance(value, (np.ndarray, list)) or hasattr(value, "__array__")


def check_ids(name: str, ids, vocabulary_size: int) -> np.ndarray:
    """Checks an id array eagerly: integer dtype, rank 2, ids in `[0, vocabulary_size)`."""
    array = np.asarray(ids)
    if not np.issubdtype(array.dtype, np.integer):
        raise ValueError(f"`{name}` must hold integer ids. Received dtype={array.dtype}")
    if array.ndim != 2 or array.shape[1] < 1:
        raise ValueError(
            f"`{name}` must be (batch, length) with length >= 1. Received shape={array.shape}"
        )
    if array.size and (array.min() < 0 or array.max() >= vocabulary_size):
        bad = array.min() if array.min() < 0 else array.max()
        raise ValueError(
            f"`{name}` holds id {bad}, outside the vocabulary of size {vocabulary_size}; "
            "the data and the model's vocabulary_size do not match."
        )
    return array


@keras.saving.register_keras_serializable(package="keras_seq2seq")
class Seq2Seq(trainers.ScheduledSamplingTrainer, keras.Model):
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
        sampling: how the model's own prediction is chosen in scheduled sampling: `"argmax"` or
            `"sample"` (from its softmax, as in Bengio et al. 2015).
        teacher_forcing_ratio: the initial ratio, in [0, 1].
        seed: the seed of the scheduled-sampling draws.

    Call arguments:
        inputs: `(source_ids, decoder_input_ids)`.
        training: whether dropout is active.
        choice: optional bool `(batch, T)`, True where the true previous token is fed.

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
        sampling: str = "argmax",
        teacher_forcing_ratio: float = 1.0,
        seed: int | None = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if not isinstance(encoder, Encoder):
            raise ValueError(f"`encoder` must be an Encoder. Received: encoder={encoder!r}")
        if not isinstance(decoder, Decoder):
            raise ValueError(f"`decoder` must be a Decoder. Received: decoder={decoder!r}")
        self.encoder = encoder
        self.decoder = decoder
        self.sampling = validation.one_of("sampling", sampling, ("argmax", "sample"))
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

    def call(self, inputs, training=None, choice=None):
        return self.forward(inputs, training=training, choice=choice)

    def forward(self, inputs, training=None, choice=None, shortcut=True):
        """The logits for `inputs`; `call` is this with the teacher-forcing shortcut on.

        With a `choice` matrix and `shortcut=True`, a batch whose choices are all True (always
        so at ratio 1.0) takes the parallel teacher-forced path where the decoder has one (no
        input feeding): the same math in fewer, larger operations. With input feeding, the
        decoder's step loop makes no prediction when no row uses one. Random draws all
        happen before any branch.
        """
        source_ids, decoder_input_ids = unpack_inputs(inputs)
        memory, mask, states = self.encoder(source_ids, training=training)
        shape = ops.shape(decoder_input_ids)
        dropout_masks = self.decoder.draw_dropout_masks(shape[0], shape[1], training)
        sample_noise = None
        if choice is not None and self.sampling == "sample":
            sample_noise = distribute.uniform(shape, self.seed_generator)

        def decode(path_choice):
            return self.decoder(
                decoder_input_ids,
                memory,
                mask,
                states,
                choice=path_choice,
                sample_noise=sample_noise,
                dropout_masks=dropout_masks,
                training=training,
            )

        if choice is None or not (shortcut and self.decoder.parallel_teacher_forcing):
            return decode(choice)
        return ops.cond(ops.all(choice), lambda: decode(None), lambda: decode(choice))

    def compute_output_spec(self, inputs, training=None, choice=None):
        _, decoder_input_ids = unpack_inputs(inputs)
        shape = (*decoder_input_ids.shape, self.decoder.vocabulary_size)
        return keras.KerasTensor(shape, dtype=self.compute_dtype)

    def draw_choice(self, inputs):
        """The ratio and the teacher/model choice `(batch, T)` for one training batch.

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

    def compile_from_config(self, config: dict) -> None:
        # Keras skips this for models that override `compile`; ours only fills in defaults.
        self.compile(**keras.saving.deserialize_keras_object(config))
        if self.optimizer is not None and self.built:
            self.optimizer.build(self.trainable_variables)

    def check_data(self, x, y=None) -> None:
        """Checks array inputs and labels eagerly; datasets and generators are left alone."""
        if isinstance(x, (dict, list, tuple)):
            source_ids, decoder_input_ids = unpack_inputs(x)
        else:
            return
        if not (_is_array(source_ids) and _is_array(decoder_input_ids)):
            return
        check_ids("source_ids", source_ids, self.encoder.vocabulary_size)
        targets = check_ids("decoder_input_ids", decoder_input_ids, self.decoder.vocabulary_size)
        rows = np.flatnonzero((targets[:, 0] != START_ID) & (targets != PAD_ID).any(axis=1))
        if rows.size:
            raise ValueError(
                f"`decoder_input_ids` must start with the start token {START_ID}; row "
                f"{rows[0]} starts with {targets[rows[0], 0]}. "
                "Use keras_seq2seq.data.add_start_and_end to build decoder inputs and labels."
            )
        if y is not None and _is_array(y):
            labels = check_ids("labels", y, self.decoder.vocabulary_size)
            if labels.shape != targets.shape:
                raise ValueError(
                    f"`labels` must be shaped like `decoder_input_ids` {targets.shape}. "
                    f"Received shape={labels.shape}"
                )

    def fit(self, x=None, y=None, *args, **kwargs):
        self.check_data(x, y)
        if not args and "shuffle" not in kwargs and type(x).__module__.startswith("tensorflow"):
            # A tf.data dataset brings its own order; Keras warns that it ignores shuffle=True.
            kwargs["shuffle"] = False
        return super().fit(x, y, *args, **kwargs)

    def evaluate(self, x=None, y=None, *args, **kwargs):
        self.check_data(x, y)
        return super().evaluate(x, y, *args, **kwargs)

    def predict(self, x, *args, **kwargs):
        self.check_data(x)
        return super().predict(x, *args, **kwargs)

    def generate(
        self,
        source_ids,
        sampler="greedy",
        max_length: int = 50,
        min_length: int = 0,
        return_attention: bool = False,
    ) -> dict:
        """Decodes `source_ids` with a sampler, compiled for the active backend.

        The search is traced once per sampler configuration, length and batch shape (TensorFlow
        `tf.function`, JAX `jax.jit`; PyTorch runs eagerly in `torch.inference_mode`) and reads the
        model's current weights on every call.

        Args:
            source_ids: int `(batch, S)`, right-padded with 0.
            sampler: a `keras_seq2seq.samplers` object (`Greedy()`, `Sampling(...)`,
                `BeamSearch(...)`), or `"greedy"`, `"sampling"`, `"beam_search"`.
            max_length: the most tokens per output, including the end token.
            min_length: the end token is not produced before this many tokens.
            return_attention: also return the attention weights of every output token (needs a
                decoder with attention).

        Returns:
            A dict of numpy arrays, hypotheses best first: `token_ids (batch, num_return,
            max_length)` int32, each hypothesis up to and including the end token (2), then
            padding (0); `lengths (batch, num_return)`, the tokens including the end token;
            `scores (batch, num_return)` float32 (summed log-probabilities, or the beam score);
            and with `return_attention`, `attention (batch, num_return, max_length, S)`.
            `num_return` is 1 except for `BeamSearch(num_return=...)`. A source of only padding
            gives an empty output (length 0).
        """
        sampler = samplers.get(sampler)
        validation.positive_int("max_length", max_length)
        validation.non_negative_int("min_length", min_length)
        if min_length > max_length:
            raise ValueError(
                "`min_length` must be at most `max_length`. "
                f"Received: min_length={min_length!r}, max_length={max_length!r}"
            )
        needs_attention = return_attention or getattr(sampler, "coverage_penalty", 0.0) > 0.0
        if needs_attention and self.decoder.attention is None:
            raise ValueError(
                "`return_attention` and a coverage penalty need a decoder with attention. "
                f"Received: return_attention={return_attention!r}, sampler={sampler!r}"
            )
        source_ids = check_ids("source_ids", source_ids, self.encoder.vocabulary_size)
        if source_ids.ndim != 2:
            raise ValueError(
                f"`source_ids` must have shape (batch, S). Received shape {source_ids.shape}"
            )
        options = (min_length, bool(return_attention))
        key = (repr(sampler), max_length, *options)
        if key not in self._generate_functions:
            self._generate_functions[key] = compiled.compile_inference(
                self, lambda ids, noise: self._search(ids, noise, sampler, max_length, *options)
            )
        noise = sampler.draw_noise(source_ids.shape[0], max_length)
        outputs = self._generate_functions[key](source_ids.astype("int32"), noise)
        return {name: ops.convert_to_numpy(value) for name, value in outputs.items()}

    def _search(self, source_ids, noise, sampler, max_length, min_length, return_attention):
        memory, mask, encoder_states = self.encoder(source_ids, training=False)
        state = self.decoder.initial_state(encoder_states, ops.shape(source_ids)[0])
        return sampler(
            self.decoder.step,
            state,
            self.decoder.prepare_memory(memory, mask),
            mask,
            max_length,
            min_length=min_length,
            return_attention=return_attention,
            noise=noise,
        )

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "encoder": keras.saving.serialize_keras_object(self.encoder),
                "decoder": keras.saving.serialize_keras_object(self.decoder),
                "sampling": self.sampling,
                "teacher_forcing_ratio": float(ops.convert_to_numpy(self.teacher_forcing_ratio)),
                "seed": self.seed,
            }
        )
        return config

    @classmethod
    def from_config(cls, config: dict) -> "Seq2Seq":
        config = dict(config)
        config["encoder"] = keras.saving.deserialize_keras_object(config["encoder"])
        config["decoder"] = keras.saving.deserialize_keras_object(config["decoder"])
        return cls(**config)

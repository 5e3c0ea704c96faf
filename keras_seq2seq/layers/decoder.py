"""The decoder: embedding, an RNN stack, optional attention and the output projection.

One step function, `cell_step`, turns an embedded previous token and the state into the output
that `logits` maps to logits (the output projection, mixed with copying under copy attention).
Teacher forcing, scheduled sampling (`step_loop`) and every sampler (through `step`) run it, so
training and inference cannot drift apart. Teacher forcing without input feeding runs the whole
target through the RNN layers at once instead (the same math, fused kernels).
"""

import keras
from keras import ops, tree

from keras_seq2seq import validation
from keras_seq2seq.backend import distribute, time_loop
from keras_seq2seq.layers import cells, copy, coverage, step_loop
from keras_seq2seq.layers.attention import resolve_attention
from keras_seq2seq.special_ids import PAD_ID

BRIDGES = ("copy", "dense", "zero")


@keras.saving.register_keras_serializable(package="keras_seq2seq")
class Decoder(keras.layers.Layer):
    """Generates target logits from the encoder's memory and final states.

    Each step embeds the previous token (concatenated with the previous attentional vector when
    `input_feeding` is on), runs the RNN stack, attends over the memory with the top layer's
    output as the query, and combines context and output into the attentional vector
    `tanh(W [context; output])` (Luong et al. 2015). Without attention the top layer's output is
    projected directly: the plain decoder of Sutskever et al. 2014.

    With `copy_attention`, a gate `sigmoid(w . [context; query; embedded input] + b)` mixes the
    vocabulary distribution with the attention weights moved onto the source tokens' ids (the
    pointer-generator of See et al. 2017, `keras_seq2seq.layers.copy`), so the decoder can emit a
    source token it never learned to generate. Source and target ids must be one id space (a
    joint vocabulary), and `source_ids` must be passed. The logits are then the mixture's
    log-probabilities.

    Args:
        vocabulary_size: the target vocabulary size (input embedding and output logits).
        embedding_dim: the width of the target embeddings.
        units: the width of each RNN layer.
        cell: `"lstm"`, `"gru"` or `"simple_rnn"`.
        num_layers: how many RNN layers are stacked.
        attention: `None`, `"luong"` (general score), `"bahdanau"` (256 units), or a
            `LuongAttention` / `BahdanauAttention` layer.
        attention_layer_size: the width of the attentional vector (default: `units`).
        input_feeding: feed the previous attentional vector into the next step (Luong); only
            used with attention.
        bridge: how the encoder's final states become the decoder's initial states: `"copy"`
            (same structure and widths), `"dense"` (a learned linear map from all encoder states,
            for bidirectional or unequal encoders) or `"zero"`.
        dropout: the dropout rate on the embeddings and on each RNN layer's output.
        residual: add each layer's input to its output, between stacked layers of equal width.
        copy_attention: mix in copying from the source (needs attention).
        tie_embeddings: project to logits with the transposed target embedding matrix (plus a
            bias) instead of a separate kernel (Press & Wolf 2017), saving
            `vocabulary_size * embedding_dim` weights; needs the projected width (`output_dim`:
            `attention_layer_size` with attention, else `units`) to equal `embedding_dim`.
        coverage_loss_weight: with attention, adds this times the coverage loss of See et al.
            2017 (`layers.coverage`, per target token) to the model's losses in every
            forward pass over a target; 0 adds nothing.
        seed: the seed of the dropout masks.

    Call arguments:
        decoder_input_ids: int `(batch, T)`, starting with the start token.
        memory: `(batch, S, memory_dim)` encoder outputs.
        memory_mask: bool `(batch, S)`, False at source padding.
        encoder_states: the encoder's final states, one list per layer.
        source_ids: int `(batch, S)`, the source tokens as target ids; needed with
            `copy_attention`, ignored otherwise.
        teacher_forced: optional bool `(batch, T)`: True feeds `decoder_input_ids[:, t]` at
            step `t`, False feeds the model's own prediction from step `t - 1` (scheduled
            sampling; no gradient flows through the prediction). `None` is teacher forcing,
            which runs the whole target at once where the decoder allows (no input feeding).
        sample_noise: optional uniform `(batch, T)`: with `teacher_forced`, the model's
            prediction is sampled from its softmax with this noise; without it, the argmax.
        dropout_masks: optional `draw_dropout_masks(...)`, drawn here when omitted (pass them
            when calling inside a JAX conditional or loop outside `stateless_call`, where a
            draw would leak a tracer).
        training: whether dropout is active.
        choice: the deprecated name of `teacher_forced`.

    Returns:
        Logits `(batch, T, vocabulary_size)`.

    Example:
    >>> decoder = Decoder(vocabulary_size=8000, attention="luong", bridge="dense")
    >>> logits = decoder(decoder_input_ids, memory, mask, encoder_states)
    """

    def __init__(
        self,
        vocabulary_size: int,
        embedding_dim: int = 256,
        units: int = 512,
        cell: str = "lstm",
        num_layers: int = 1,
        attention=None,
        attention_layer_size: int | None = None,
        input_feeding: bool = True,
        bridge: str = "copy",
        dropout: float = 0.0,
        residual: bool = False,
        copy_attention: bool = False,
        tie_embeddings: bool = False,
        coverage_loss_weight: float = 0.0,
        seed: int | None = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.vocabulary_size = validation.positive_int("vocabulary_size", vocabulary_size)
        self.embedding_dim = validation.positive_int("embedding_dim", embedding_dim)
        self.units = validation.positive_int("units", units)
        self.cell = cells.check_cell(cell)
        self.num_layers = validation.positive_int("num_layers", num_layers)
        self.attention = resolve_attention(attention, self.dtype_policy)
        self.attention_layer_size = (
            self.units
            if attention_layer_size is None
            else validation.positive_int("attention_layer_size", attention_layer_size)
        )
        self.input_feeding = bool(input_feeding)
        self.bridge = validation.one_of("bridge", bridge, BRIDGES)
        self.dropout = validation.unit_interval("dropout", dropout, include_one=False)
        self.residual = bool(residual)
        self.copy_attention = bool(copy_attention)
        if self.copy_attention and self.attention is None:
            raise ValueError(
                "`copy_attention=True` copies with the attention weights and needs attention. "
                f"Received: attention={attention!r}"
            )
        self.tie_embeddings = bool(tie_embeddings)
        if self.tie_embeddings and self.output_dim != self.embedding_dim:
            raise ValueError(
                "`tie_embeddings=True` projects with the embedding matrix, so the projected "
                f"width must equal embedding_dim={self.embedding_dim}; it is "
                f"{self.output_dim} (attention_layer_size with attention, else units)."
            )
        self.coverage_loss_weight = validation.number(
            "coverage_loss_weight", coverage_loss_weight, 0.0
        )
        if self.coverage_loss_weight and self.attention is None:
            raise ValueError(
                "A coverage loss is computed from the attention weights and needs attention. "
                f"Received: attention={attention!r}, "
                f"coverage_loss_weight={coverage_loss_weight!r}"
            )
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.embedding = keras.layers.Embedding(
            self.vocabulary_size, self.embedding_dim, name="embedding", dtype=self.dtype_policy
        )
        self.rnn_layers = [
            cells.make_rnn(self.cell, self.units, name=f"rnn_{i}", dtype=self.dtype_policy)
            for i in range(self.num_layers)
        ]
        if self.attention is not None:
            self.attention_dense = keras.layers.Dense(
                self.attention_layer_size,
                activation="tanh",
                use_bias=False,
                name="attentional",
                dtype=self.dtype_policy,
            )
        if self.copy_attention:
            # Its output is the gate's logit; `copy.mix` works in log space.
            self.copy_gate = keras.layers.Dense(1, name="copy_gate", dtype=self.dtype_policy)
        self.bridge_dense = None
        if self.tie_embeddings:
            self.output_projection = TiedProjection(self)
        else:
            self.output_projection = keras.layers.Dense(
                self.vocabulary_size, name="output_projection", dtype=self.dtype_policy
            )

    @property
    def feeds_input(self) -> bool:
        """Whether steps depend on the previous attentional vector (so must run one by one)."""
        return self.attention is not None and self.input_feeding

    @property
    def parallel_teacher_forcing(self) -> bool:
        """Whether teacher forcing runs the RNN over the whole target at once (no step loop)."""
        return not self.feeds_input

    @property
    def output_dim(self) -> int:
        """The width of the vector that the output projection maps to logits."""
        return self.attention_layer_size if self.attention is not None else self.units

    @property
    def state_structure(self) -> list[list[int]]:
        """The RNN state widths: one list per layer, one width per state tensor."""
        return cells.state_structure(self.cell, self.units, self.num_layers)

    def build(self, decoder_input_ids_shape, memory_shape, encoder_states_shape=None, **kwargs):
        batch = decoder_input_ids_shape[0]
        self.embedding.build(decoder_input_ids_shape)
        width = self.embedding_dim + (self.attention_layer_size if self.feeds_input else 0)
        for layer in self.rnn_layers:
            layer.build((batch, None, width))
            width = self.units
        if self.attention is not None:
            if not self.attention.built:  # a deserialized attention layer comes built
                self.attention.build((batch, self.units), memory_shape)
            self.attention_dense.build((batch, memory_shape[-1] + self.units))
        if self.copy_attention:
            self.copy_gate.build((batch, memory_shape[-1] + self.units + self.embedding_dim))
        if self.tie_embeddings:
            self.output_bias = self.add_weight(
                shape=(self.vocabulary_size,), initializer="zeros", name="output_bias"
            )
        else:
            self.output_projection.build((batch, self.output_dim))
        encoder_structure = [[s[-1] for s in layer] for layer in (encoder_states_shape or [])]
        if self.bridge == "copy" and encoder_structure != self.state_structure:
            raise ValueError(
                "bridge='copy' needs encoder final states shaped like the decoder's "
                f"(widths per layer {self.state_structure}); the encoder's are "
                f"{encoder_structure}. Use bridge='dense' or 'zero'."
            )
        if self.bridge == "dense":
            if not encoder_structure:
                raise ValueError("bridge='dense' needs encoder states; received none.")
            self.bridge_dense = keras.layers.Dense(
                sum(sum(layer) for layer in self.state_structure),
                name="bridge",
                dtype=self.dtype_policy,
            )
            self.bridge_dense.build((batch, sum(sum(layer) for layer in encoder_structure)))

    # -- the pieces shared by training and decoding ------------------------------------------

    def initial_state(self, encoder_states, batch_size):
        """The decoder state before the first step, from the encoder's final states."""
        dtype = self.compute_dtype
        if self.bridge == "copy":
            rnn = [list(layer) for layer in encoder_states]
        elif self.bridge == "zero":
            rnn = [
                [ops.zeros((batch_size, w), dtype=dtype) for w in layer]
                for layer in self.state_structure
            ]
        else:
            flat = self.bridge_dense(ops.concatenate(tree.flatten(encoder_states), axis=-1))
            sizes = [w for layer in self.state_structure for w in layer]
            boundaries = [sum(sizes[: i + 1]) for i in range(len(sizes) - 1)]
            pieces = iter(ops.split(flat, boundaries, -1) if boundaries else [flat])
            rnn = [[next(pieces) for _ in layer] for layer in self.state_structure]
        state = {"rnn": rnn}
        if self.feeds_input:
            state["feed"] = ops.zeros((batch_size, self.attention_layer_size), dtype=dtype)
        return state

    def prepare_memory(self, memory, memory_mask, source_ids=None):
        """Loop-invariant attention inputs: the memory, its projected keys and its mask, and
        with copy attention the source ids (int `(batch, S)`, as target ids)."""
        if self.attention is None:
            return {}
        prepared = {
            "values": memory,
            "keys": self.attention.compute_keys(memory),
            "mask": memory_mask,
        }
        if self.copy_attention:
            if source_ids is None:
                raise ValueError(
                    "A decoder with `copy_attention=True` needs `source_ids`. Received: None"
                )
            prepared["source_ids"] = ops.cast(source_ids, "int32")
        return prepared

    def _attend(self, query, embedded, memory):
        """For `(batch, [T,] units)` queries and their embedded inputs: the attentional vector,
        the attention weights, and the copy gate's logit (None without copy attention)."""
        if self.attention is None:
            return query, None, None
        context, weights = self.attention(
            query, memory["values"], keys=memory["keys"], mask=memory["mask"]
        )
        combined = ops.concatenate([ops.cast(context, query.dtype), query], axis=-1)
        gate = None
        if self.copy_attention:
            gate = self.copy_gate(ops.concatenate([combined, embedded], axis=-1))
        return self.attention_dense(combined), weights, gate

    def logits(self, output, weights, gate, memory, vocabulary_logits=None):
        """Logits `(batch, [T,] V)` from `cell_step`'s output, weights and gate.

        `vocabulary_logits`, when given, is `output_projection(output)` computed already. With
        copy attention the result is the mixture's log-probabilities (`copy.mix`).
        """
        if vocabulary_logits is None:
            vocabulary_logits = self.output_projection(output)
        if not self.copy_attention:
            return vocabulary_logits
        return copy.mix(vocabulary_logits, weights, gate, memory["source_ids"])

    def _after_layer(self, index, output, layer_input, dropout_masks):
        """The residual connection and dropout after RNN layer `index` (a step or a sequence)."""
        output = cells.residual(self.residual, index, output, layer_input)
        if f"layer_{index}" in dropout_masks:
            output = output * dropout_masks[f"layer_{index}"]
        return output

    def cell_step(self, embedded, state, memory, dropout_masks):
        """One step from an embedded token `(batch, embedding_dim)`:
        `(output, state, weights, gate)`.

        `output (batch, output_dim)` is what `logits` maps to logits; `memory` is
        `prepare_memory(...)`; `dropout_masks` holds this step's slices of
        `draw_dropout_masks(...)` (`{}` without dropout); `weights` are `(batch, S)` or None;
        `gate (batch, 1)` is the logit of the copy gate (the probability of generating rather
        than copying), None without copy attention.
        """
        x = embedded
        if "embedding" in dropout_masks:
            x = x * dropout_masks["embedding"]
        embedded = x
        if self.feeds_input:
            x = ops.concatenate([x, state["feed"]], axis=-1)
        new_rnn = []
        for index, layer in enumerate(self.rnn_layers):
            output, layer_state = layer.cell(x, state["rnn"][index])
            new_rnn.append(list(layer_state))
            x = self._after_layer(index, output, x, dropout_masks)
        output, weights, gate = self._attend(x, embedded, memory)
        new_state = {"rnn": new_rnn}
        if self.feeds_input:
            new_state["feed"] = output
        return output, new_state, weights, gate

    def step(self, token_ids, state, memory):
        """Decodes one token: `(logits (batch, vocabulary_size), new_state, weights)`.

        `memory` is `prepare_memory(...)`; `weights` are `(batch, S)` or None without attention.
        """
        output, state, weights, gate = self.cell_step(self.embedding(token_ids), state, memory, {})
        return self.logits(output, weights, gate, memory), state, weights

    # -- training over a whole target ----------------------------------------------------------

    def draw_dropout_masks(self, batch_size, length, training=None):
        """Scaled keep-masks `(batch, T, width)` for every dropout site, drawn before any loop."""
        if not training or self.dropout == 0.0:
            return {}
        widths = {"embedding": self.embedding_dim}
        widths.update({f"layer_{i}": self.units for i in range(self.num_layers)})
        masks = {}
        for name, width in widths.items():
            noise = distribute.uniform((batch_size, length, width), self.seed_generator)
            keep = ops.cast(noise >= self.dropout, self.compute_dtype)
            masks[name] = keep / (1.0 - self.dropout)
        return masks

    def _parallel_teacher_forced(self, decoder_input_ids, state, memory, masks):
        """Teacher forcing over the whole target at once (only without input feeding)."""
        embedded = self.embedding(decoder_input_ids)
        if "embedding" in masks:
            embedded = embedded * masks["embedding"]
        x = embedded
        for index, layer in enumerate(self.rnn_layers):
            with time_loop.weights_read_once(layer.weights):
                output, *_ = layer(x, initial_state=state["rnn"][index])
            x = self._after_layer(index, output, x, masks)
        output, weights, gate = self._attend(x, embedded, memory)
        return self.logits(output, weights, gate, memory), weights

    def call(
        self,
        decoder_input_ids,
        memory,
        memory_mask,
        encoder_states,
        teacher_forced=None,
        sample_noise=None,
        dropout_masks=None,
        training=None,
        choice=None,
        source_ids=None,
    ):
        validation.integer_ids("decoder_input_ids", decoder_input_ids)
        teacher_forced = validation.renamed("choice", choice, "teacher_forced", teacher_forced)
        batch_size = ops.shape(decoder_input_ids)[0]
        length = step_loop.sequence_length(decoder_input_ids)
        state = self.initial_state(encoder_states, batch_size)
        attention_memory = self.prepare_memory(memory, memory_mask, source_ids)
        if dropout_masks is None:
            dropout_masks = self.draw_dropout_masks(batch_size, length, training)
        if teacher_forced is None and self.parallel_teacher_forcing:
            logits, weights = self._parallel_teacher_forced(
                decoder_input_ids, state, attention_memory, dropout_masks
            )
        else:
            logits, weights = step_loop.run_steps(
                self,
                decoder_input_ids,
                teacher_forced,
                sample_noise,
                state,
                attention_memory,
                dropout_masks,
            )
        if self.coverage_loss_weight:
            target_mask = ops.not_equal(decoder_input_ids, PAD_ID)
            loss = coverage.coverage_loss(weights, target_mask)
            self.add_loss(self.coverage_loss_weight * loss)
        return logits

    def compute_output_spec(self, decoder_input_ids, *args, **kwargs):
        shape = (*decoder_input_ids.shape, self.vocabulary_size)
        return keras.KerasTensor(shape, dtype=self.compute_dtype)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "vocabulary_size": self.vocabulary_size,
            "embedding_dim": self.embedding_dim,
            "units": self.units,
            "cell": self.cell,
            "num_layers": self.num_layers,
            "attention": (
                None
                if self.attention is None
                else keras.saving.serialize_keras_object(self.attention)
            ),
            "attention_layer_size": self.attention_layer_size,
            "input_feeding": self.input_feeding,
            "bridge": self.bridge,
            "dropout": self.dropout,
            "residual": self.residual,
            "copy_attention": self.copy_attention,
            "tie_embeddings": self.tie_embeddings,
            "coverage_loss_weight": self.coverage_loss_weight,
            "seed": self.seed,
        }


class TiedProjection:
    """The output projection of a decoder with `tie_embeddings`: `x @ E^T + b`, where `E` is the
    decoder's embedding matrix and `b` its `output_bias`.

    A plain object, not a layer, so that Keras tracks both weights once, as the decoder's. It
    offers what the step loop uses of a `Dense` projection: calling it, `kernel` and `bias`.
    """

    def __init__(self, decoder: Decoder):
        self.decoder = decoder

    @property
    def kernel(self):
        """`(embedding_dim, vocabulary_size)`: the transposed embedding matrix."""
        return ops.transpose(self.decoder.embedding.embeddings)

    @property
    def bias(self):
        return self.decoder.output_bias

    def __call__(self, x):
        kernel = ops.cast(self.kernel, x.dtype)
        return ops.matmul(x, kernel) + ops.cast(self.bias, x.dtype)

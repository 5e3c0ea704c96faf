"""The encoder: embedding and a stack of (bidirectional) RNN layers over the source."""

import keras
from keras import ops

from keras_seq2seq import validation
from keras_seq2seq.backend import fused_rnn
from keras_seq2seq.layers import cells
from keras_seq2seq.special_ids import PAD_ID


def reverse_within_length(ids, mask):
    """Reverses each row's first `length` positions and leaves the padding where it was.

    Args:
        ids: `(batch, S)` or `(batch, S, ...)`.
        mask: bool `(batch, S)`, True on the `length` leading positions of each row.

    Returns:
        `ids` with `ids[b, :length_b]` reversed, and positions `>= length_b` unchanged.
    """
    length = ops.sum(ops.cast(mask, "int32"), axis=1, keepdims=True)
    positions = ops.expand_dims(ops.arange(ops.shape(mask)[1], dtype="int32"), 0)
    index = ops.where(positions < length, length - 1 - positions, positions)
    while len(index.shape) < len(ids.shape):
        index = ops.expand_dims(index, -1)
    return ops.take_along_axis(ids, ops.broadcast_to(index, ops.shape(ids)), axis=1)


@keras.saving.register_keras_serializable(package="keras_seq2seq")
class Encoder(keras.layers.Layer):
    """Embeds source ids and runs a stack of RNN layers over them.

    Padding is id 0 and must sit at the end of each row (right padding).

    Args:
        vocabulary_size: the source vocabulary size (ids are in `[0, vocabulary_size)`).
        embedding_dim: the width of the source embeddings.
        units: the width of each RNN layer (per direction).
        cell: `"lstm"`, `"gru"` or `"simple_rnn"`.
        num_layers: how many RNN layers are stacked.
        bidirectional: whether each layer reads the source both ways.
        merge_mode: how a bidirectional layer joins its two directions, `"concat"` or `"sum"`.
        dropout: the dropout rate on the embeddings and between layers.
        residual: add each layer's input to its output, between stacked layers of equal width.
        reverse_source: reverse each source within its own length (Sutskever et al. 2014);
            padding stays at the end.
        seed: the seed of the dropout masks.

    Call arguments:
        source_ids: int `(batch, S)`.
        training: whether dropout is active.

    Returns:
        `(memory, mask, states)`: `memory` `(batch, S, output_dim)` with `output_dim` `2 * units`
        for a concatenated bidirectional stack and `units` otherwise; `mask` bool `(batch, S)`,
        False at padding; `states`, one list per layer of its final state tensors
        (`[h, c]` for LSTM, `[h]` otherwise), each `(batch, output_dim)`, the two directions
        merged like the outputs.

    Example:
    >>> encoder = Encoder(vocabulary_size=8000, units=256, bidirectional=True)
    >>> memory, mask, states = encoder(source_ids)
    """

    def __init__(
        self,
        vocabulary_size: int,
        embedding_dim: int = 256,
        units: int = 512,
        cell: str = "lstm",
        num_layers: int = 1,
        bidirectional: bool = False,
        merge_mode: str = "concat",
        dropout: float = 0.0,
        residual: bool = False,
        reverse_source: bool = False,
        seed: int | None = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.vocabulary_size = validation.positive_int("vocabulary_size", vocabulary_size)
        self.embedding_dim = validation.positive_int("embedding_dim", embedding_dim)
        self.units = validation.positive_int("units", units)
        self.cell = cells.check_cell(cell)
        self.num_layers = validation.positive_int("num_layers", num_layers)
        self.bidirectional = bool(bidirectional)
        self.merge_mode = validation.one_of("merge_mode", merge_mode, ("concat", "sum"))
        self.dropout = validation.unit_interval("dropout", dropout, include_one=False)
        self.residual = bool(residual)
        self.reverse_source = bool(reverse_source)
        self.seed = seed
        self.embedding = keras.layers.Embedding(
            self.vocabulary_size, self.embedding_dim, name="embedding", dtype=self.dtype_policy
        )
        self.dropout_layer = keras.layers.Dropout(self.dropout, seed=seed, dtype=self.dtype_policy)
        self.rnn_layers = []
        for index in range(self.num_layers):
            layer = cells.make_rnn(
                self.cell, self.units, name=f"rnn_{index}", dtype=self.dtype_policy
            )
            if self.bidirectional:
                layer = keras.layers.Bidirectional(
                    layer,
                    merge_mode=self.merge_mode,
                    name=f"birnn_{index}",
                    dtype=self.dtype_policy,
                )
            self.rnn_layers.append(layer)

    def share_embedding(self, embedding: keras.layers.Embedding) -> None:
        """Embeds the source with `embedding` (e.g. the decoder's, over a joint vocabulary)
        instead of this encoder's own table, which is dropped. `Seq2Seq(share_embeddings=True)`
        calls it; the shared layer's weights are then saved and trained once.

        Args:
            embedding: a `keras.layers.Embedding` of `vocabulary_size` rows and
                `embedding_dim` columns.
        """
        shape = (getattr(embedding, "input_dim", None), getattr(embedding, "output_dim", None))
        if shape != (self.vocabulary_size, self.embedding_dim):
            raise ValueError(
                "A shared embedding must have this encoder's vocabulary_size rows and "
                f"embedding_dim columns, {(self.vocabulary_size, self.embedding_dim)}. "
                f"Received: embedding of shape {shape}"
            )
        # Keras tracks sublayers by assignment and locks a built layer's (a deserialized
        # encoder comes built): the own table is untracked, so its weights leave the layer's.
        locked = self._tracker.locked
        self._tracker.unlock()
        self._tracker.untrack(self.embedding)
        self.embedding = embedding
        if locked:
            self._tracker.lock()

    @property
    def output_dim(self) -> int:
        """The width of the memory and of each final state tensor."""
        if self.bidirectional and self.merge_mode == "concat":
            return 2 * self.units
        return self.units

    @property
    def state_structure(self) -> list[list[int]]:
        """The widths of the final states: one list per layer, one width per state tensor."""
        return cells.state_structure(self.cell, self.output_dim, self.num_layers)

    def build(self, source_ids_shape):
        self.embedding.build(source_ids_shape)
        width = self.embedding_dim
        for layer in self.rnn_layers:
            layer.build((source_ids_shape[0], source_ids_shape[1], width))
            width = self.output_dim

    def _merge(self, forward, backward):
        if self.merge_mode == "concat":
            return ops.concatenate([forward, backward], axis=-1)
        return forward + backward

    def memory_order(self, source_ids):
        """`source_ids (batch, S)` in the order of the memory's positions: reversed within each
        source's length with `reverse_source`, unchanged otherwise (what copy attention copies)."""
        if not self.reverse_source:
            return source_ids
        return reverse_within_length(source_ids, ops.not_equal(source_ids, PAD_ID))

    def call(self, source_ids, training=None):
        validation.integer_ids("source_ids", source_ids)
        mask = ops.not_equal(source_ids, PAD_ID)
        source_ids = self.memory_order(source_ids)
        x = self.dropout_layer(self.embedding(source_ids), training=training)
        states = []
        for index, layer in enumerate(self.rnn_layers):
            outputs, *layer_states = fused_rnn.run_masked(layer, x, mask, training)
            if self.bidirectional:
                half = len(layer_states) // 2
                layer_states = [
                    self._merge(f, b)
                    for f, b in zip(layer_states[:half], layer_states[half:], strict=True)
                ]
            outputs = cells.residual(self.residual, index, outputs, x)
            states.append(layer_states)
            x = outputs
            if index < self.num_layers - 1:
                x = self.dropout_layer(x, training=training)
        return x, mask, states

    def compute_output_spec(self, source_ids, training=None):
        batch, length = source_ids.shape
        dtype = self.compute_dtype
        memory = keras.KerasTensor((batch, length, self.output_dim), dtype=dtype)
        mask = keras.KerasTensor((batch, length), dtype="bool")
        states = [
            [keras.KerasTensor((batch, width), dtype=dtype) for width in layer]
            for layer in self.state_structure
        ]
        return memory, mask, states

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "vocabulary_size": self.vocabulary_size,
            "embedding_dim": self.embedding_dim,
            "units": self.units,
            "cell": self.cell,
            "num_layers": self.num_layers,
            "bidirectional": self.bidirectional,
            "merge_mode": self.merge_mode,
            "dropout": self.dropout,
            "residual": self.residual,
            "reverse_source": self.reverse_source,
            "seed": self.seed,
        }

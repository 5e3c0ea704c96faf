"""Attention over encoder memory: Bahdanau (additive) and Luong (dot, general, concat).

The layers keep no state between calls. Keys depend only on the memory, so a decoder computes
them once per source batch with `compute_keys` and passes them to every step. Queries may be one
step `(batch, query_dim)` or a whole sequence `(batch, T, query_dim)` at once.
"""

import keras
from keras import ops

from keras_seq2seq import validation


def masked_softmax(scores, mask):
    """Softmax over the last axis where padded positions (mask False) get exactly zero weight.

    `scores` is `(..., S)` and `mask` broadcasts to it. A row whose mask is all False gets all
    zero weights (an empty source), not NaN.
    """
    scores = ops.cast(scores, "float32")
    if mask is None:
        return ops.softmax(scores, axis=-1)
    mask = ops.cast(mask, "bool")
    scores = ops.where(mask, scores, ops.full_like(scores, -1e9))
    weights = ops.softmax(scores, axis=-1)
    return weights * ops.cast(mask, weights.dtype)


def _kernel(layer, shape, name):
    return layer.add_weight(shape=shape, initializer="glorot_uniform", name=name)


def _project(x, kernel):
    """`x (..., d) @ kernel (d, u)` as one 2-D matmul (compiles inside XLA loop gradients)."""
    flat = ops.matmul(ops.reshape(x, (-1, x.shape[-1])), kernel)
    return ops.reshape(flat, (*ops.shape(x)[:-1], kernel.shape[-1]))


def _additive_scores(query, keys, query_kernel, v, bias=None):
    """`v . tanh(query @ query_kernel + keys [+ bias])`: `(batch, T, S)` from `(batch, T, q)`."""
    hidden = ops.expand_dims(_project(query, query_kernel), 2) + ops.expand_dims(keys, 1)
    if bias is not None:
        hidden = hidden + bias
    return ops.sum(ops.tanh(hidden) * v, axis=-1)


class _Attention(keras.layers.Layer):
    """Shared call logic: subclasses implement `compute_keys` and `score`."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # The padding mask comes in explicitly; a Keras mask on the memory is not an error.
        self.supports_masking = True

    def compute_keys(self, memory):
        """Projects the memory `(batch, S, memory_dim)` once per source batch."""
        raise NotImplementedError

    def score(self, query, keys):
        """Scores `(batch, T, S)` for queries `(batch, T, query_dim)`."""
        raise NotImplementedError

    def call(self, query, memory, keys=None, mask=None):
        single_step = len(query.shape) == 2
        if single_step:
            query = ops.expand_dims(query, 1)
        if keys is None:
            keys = self.compute_keys(memory)
        if mask is not None:
            mask = ops.expand_dims(mask, 1)
        weights = masked_softmax(self.score(query, keys), mask)
        context = ops.matmul(ops.cast(weights, memory.dtype), memory)
        weights = ops.cast(weights, self.compute_dtype)
        if single_step:
            return ops.squeeze(context, 1), ops.squeeze(weights, 1)
        return context, weights

    def compute_output_spec(self, query, memory, keys=None, mask=None):
        batch_and_time = query.shape[:-1]
        return (
            keras.KerasTensor((*batch_and_time, memory.shape[-1]), dtype=self.compute_dtype),
            keras.KerasTensor((*batch_and_time, memory.shape[1]), dtype=self.compute_dtype),
        )


@keras.saving.register_keras_serializable(package="keras_seq2seq")
class BahdanauAttention(_Attention):
    """Additive attention (Bahdanau et al. 2015): `v . tanh(W_q q + W_m m)`.

    With `normalize=True`, `v` is weight-normalized, `g * v / ||v||`, and a bias is added inside
    the tanh (Salimans & Kingma 2016), as in TensorFlow Addons' normalized Bahdanau attention.

    Args:
        units: the width of the additive projection.
        normalize: whether to weight-normalize the score vector.

    Call arguments:
        query: `(batch, query_dim)` or `(batch, T, query_dim)`.
        memory: `(batch, S, memory_dim)` encoder outputs.
        keys: optional `compute_keys(memory)`, computed here when omitted.
        mask: optional bool `(batch, S)`, False at padding (which gets exactly zero weight).

    Returns:
        `(context, weights)`: context `(batch, [T,] memory_dim)` and weights `(batch, [T,] S)`.

    Example:
    >>> attention = BahdanauAttention(units=128)
    >>> context, weights = attention(query, memory, mask=mask)
    """

    def __init__(self, units: int, normalize: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.units = validation.positive_int("units", units)
        self.normalize = bool(normalize)

    def build(self, query_shape, memory_shape, keys_shape=None, mask_shape=None):
        self.query_kernel = _kernel(self, (query_shape[-1], self.units), "query_kernel")
        self.memory_kernel = _kernel(self, (memory_shape[-1], self.units), "memory_kernel")
        self.v = self.add_weight(shape=(self.units,), initializer="glorot_uniform", name="v")
        if self.normalize:
            self.g = self.add_weight(
                shape=(),
                initializer=keras.initializers.Constant((1.0 / self.units) ** 0.5),
                name="g",
            )
            self.b = self.add_weight(shape=(self.units,), initializer="zeros", name="b")

    def compute_keys(self, memory):
        return _project(memory, self.memory_kernel)

    def score(self, query, keys):
        if not self.normalize:
            return _additive_scores(query, keys, self.query_kernel, self.v)
        v = self.g * self.v / ops.sqrt(ops.sum(ops.square(self.v)))
        return _additive_scores(query, keys, self.query_kernel, v, self.b)

    def get_config(self) -> dict:
        return {**super().get_config(), "units": self.units, "normalize": self.normalize}


@keras.saving.register_keras_serializable(package="keras_seq2seq")
class LuongAttention(_Attention):
    """Multiplicative attention (Luong et al. 2015).

    Scores: `"dot"`: `q . m` (query and memory widths must match); `"general"`: `q . W m`;
    `"concat"`: `v . tanh(W_q q + W_m m)` with `units` wide projections. With `scale=True` the
    score is multiplied by a learned scalar (initialized to 1).

    Args:
        score: `"dot"`, `"general"` or `"concat"`.
        scale: whether to learn a scalar multiplier of the score.
        units: the width of the `"concat"` projection (default: the query width); unused otherwise.

    Call arguments:
        query: `(batch, query_dim)` or `(batch, T, query_dim)`.
        memory: `(batch, S, memory_dim)` encoder outputs.
        keys: optional `compute_keys(memory)`, computed here when omitted.
        mask: optional bool `(batch, S)`, False at padding (which gets exactly zero weight).

    Returns:
        `(context, weights)`: context `(batch, [T,] memory_dim)` and weights `(batch, [T,] S)`.

    Example:
    >>> attention = LuongAttention(score="general")
    >>> context, weights = attention(query, memory, mask=mask)
    """

    def __init__(self, score: str = "general", scale: bool = False, units=None, **kwargs):
        super().__init__(**kwargs)
        self.score_type = validation.one_of("score", score, ("dot", "general", "concat"))
        self.scale = bool(scale)
        self.units = None if units is None else validation.positive_int("units", units)

    def build(self, query_shape, memory_shape, keys_shape=None, mask_shape=None):
        query_dim, memory_dim = query_shape[-1], memory_shape[-1]
        if self.score_type == "dot" and query_dim != memory_dim:
            raise ValueError(
                "LuongAttention(score='dot') needs equal query and memory widths. Received: "
                f"query_dim={query_dim}, memory_dim={memory_dim}; use score='general'."
            )
        if self.score_type == "general":
            self.memory_kernel = _kernel(self, (memory_dim, query_dim), "memory_kernel")
        elif self.score_type == "concat":
            units = self.units or query_dim
            self.query_kernel = _kernel(self, (query_dim, units), "query_kernel")
            self.memory_kernel = _kernel(self, (memory_dim, units), "memory_kernel")
            self.v = self.add_weight(shape=(units,), initializer="glorot_uniform", name="v")
        if self.scale:
            self.g = self.add_weight(shape=(), initializer="ones", name="g")

    def compute_keys(self, memory):
        if self.score_type == "dot":
            return memory
        return _project(memory, self.memory_kernel)

    def score(self, query, keys):
        if self.score_type == "concat":
            scores = _additive_scores(query, keys, self.query_kernel, self.v)
        else:
            scores = ops.matmul(query, ops.transpose(keys, (0, 2, 1)))
        if self.scale:
            scores = scores * self.g
        return scores

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "score": self.score_type,
            "scale": self.scale,
            "units": self.units,
        }


def resolve_attention(attention, dtype=None):
    """An attention layer from None, `"luong"` (general score), `"bahdanau"` (256 units), a layer
    or its serialized config; the named ones compute under dtype policy `dtype`."""
    if isinstance(attention, dict):
        attention = keras.saving.deserialize_keras_object(attention)
    if attention is None or isinstance(attention, (BahdanauAttention, LuongAttention)):
        return attention
    if attention == "luong":
        return LuongAttention(score="general", dtype=dtype)
    if attention == "bahdanau":
        return BahdanauAttention(units=256, dtype=dtype)
    raise ValueError(
        "`attention` must be None, 'luong', 'bahdanau' or an attention layer. "
        f"Received: attention={attention!r}"
    )

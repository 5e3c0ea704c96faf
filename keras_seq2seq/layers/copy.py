"""Copy attention (the pointer-generator of See et al. 2017; Gu et al. 2016).

At each step a gate `g` in (0, 1) mixes the decoder's vocabulary distribution with its attention
distribution moved onto the source tokens' ids:
`p(w) = g * softmax(logits)[w] + (1 - g) * sum of the attention weights of source positions
holding w`. Source and target ids must be one id space (a joint vocabulary). The mixture is
returned as log-probabilities, which are logits of the same distribution, so the losses and every
sampler use it unchanged.
"""

from keras import ops

# The copied probability is floored here before its log: an id absent from the source would
# otherwise give log(0), whose gradient is not finite.
PROBABILITY_FLOOR = 1e-12


def scatter_to_vocabulary(weights, source_ids, vocabulary_size: int):
    """Attention weights `(batch, [T,] S)` summed per id: `(batch, [T,] vocabulary_size)`.

    `source_ids (batch, S)` are the ids at each source position; an id held at several positions
    gets the sum of their weights. Padding positions carry zero weight from the attention mask.
    """
    shape = ops.shape(weights)
    ids = ops.cast(source_ids, "int32")
    if len(weights.shape) == 3:
        ids = ops.repeat(ids, shape[1], axis=0)  # row b * T + t holds source b
        weights = ops.reshape(weights, (-1, shape[-1]))
    rows = ops.shape(weights)[0]
    # A segment sum, not `ops.scatter`: Keras's PyTorch scatter loops over indices in Python.
    offsets = ops.expand_dims(ops.arange(rows, dtype="int32") * vocabulary_size, 1)
    summed = ops.segment_sum(
        ops.reshape(weights, (-1,)),
        ops.reshape(offsets + ids, (-1,)),
        num_segments=rows * vocabulary_size,
    )
    return ops.reshape(summed, (*shape[:-1], vocabulary_size))


def mix(vocabulary_logits, weights, gate_logits, source_ids):
    """The pointer-generator's log-probabilities `(batch, [T,] V)`, in the logits' dtype.

    Computed in log space, `logaddexp(log g + log_softmax(logits), log(1 - g) + log copied)`,
    so the vocabulary part keeps its gradient however small the gate `g = sigmoid(gate_logits)`.

    Args:
        vocabulary_logits: `(batch, [T,] V)` from the output projection.
        weights: attention weights `(batch, [T,] S)`.
        gate_logits: `(batch, [T,] 1)`, the logit of the probability of generating from the
            vocabulary rather than copying.
        source_ids: int `(batch, S)`, the source tokens as target ids.
    """
    gate = ops.cast(gate_logits, "float32")
    generated = ops.log_softmax(ops.cast(vocabulary_logits, "float32"), axis=-1)
    copied = scatter_to_vocabulary(
        ops.cast(weights, "float32"), source_ids, vocabulary_logits.shape[-1]
    )
    log_p = ops.logaddexp(
        generated + ops.log_sigmoid(gate),
        ops.log(ops.maximum(copied, PROBABILITY_FLOOR)) + ops.log_sigmoid(-gate),
    )
    return ops.cast(log_p, vocabulary_logits.dtype)

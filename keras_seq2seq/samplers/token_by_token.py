"""Token-by-token decoding over a fixed-shape buffer, shared by greedy search and sampling.

Everything here is `keras.ops` control flow, so the same code runs under `tf.function`,
`jax.jit` and eager PyTorch. Beam search has its own loop in `beam_search.py` and shares
`log_probabilities` with this one.
"""

from collections.abc import Callable

from keras import ops

from keras_seq2seq.special_ids import END_ID, PAD_ID, START_ID

# The log-probability of a token that may not be chosen: finite, so no inf - inf makes a NaN.
NEG_INF = -1e9


def log_probabilities(logits, index, min_length: int):
    """Float32 log-softmax of `logits (..., V)` with the tokens decoding may not emit removed.

    Padding and the start token are never emitted, and the end token is not emitted at an
    `index` (0-based output position) below `min_length`. Removed tokens get `NEG_INF`; the
    others keep the model's log-probability (no renormalization), so scores stay log P.
    """
    log_probs = ops.log_softmax(ops.cast(logits, "float32"), axis=-1)
    vocabulary = ops.arange(log_probs.shape[-1], dtype="int32")
    banned = ops.logical_or(ops.equal(vocabulary, PAD_ID), ops.equal(vocabulary, START_ID))
    too_early = ops.logical_and(ops.equal(vocabulary, END_ID), index < min_length)
    return ops.where(ops.logical_or(banned, too_early), NEG_INF, log_probs)


def inverse_cdf_sample(probabilities, uniform):
    """The index where the CDF of `probabilities (batch, V)` first exceeds `uniform (batch,)`.

    `uniform` lies in [0, 1) and is scaled by each row's total, so a row that does not sum to
    exactly one still lands on a token of nonzero probability.
    """
    cdf = ops.cumsum(ops.cast(probabilities, "float32"), axis=-1)
    threshold = ops.expand_dims(ops.multiply(uniform, cdf[:, -1]), -1)
    index = ops.sum(ops.cast(cdf <= threshold, "int32"), axis=-1)
    return ops.minimum(index, probabilities.shape[-1] - 1)


def write_at(buffer, index, values, axis: int = 1):
    """`buffer` with position `index` along `axis` set to `values` (`buffer` without `axis`)."""
    shape = [1] * len(buffer.shape)
    shape[axis] = -1
    positions = ops.arange(buffer.shape[axis], dtype="int32")
    at_index = ops.reshape(ops.equal(positions, index), shape)
    return ops.where(at_index, ops.expand_dims(values, axis), buffer)


def token_by_token(
    select: Callable,
    step_fn: Callable,
    state,
    memory,
    source_mask,
    max_length: int,
    min_length: int = 0,
    return_attention: bool = False,
    noise=None,
) -> dict:
    """Feeds each step the token `select` picks, until every row has ended or `max_length`.

    Args:
        select: `(log_probs (batch, V), noise_t (batch,) or None) -> token ids (batch,)`.
        step_fn: `(token_ids (batch,), state, memory) -> (logits (batch, V), state, weights)`,
            with attention `weights (batch, S)` or None.
        state: the decoder state before the first step.
        memory: loop-invariant inputs of `step_fn`.
        source_mask: bool `(batch, S)`; a row with no true entry (an empty source) decodes to
            an empty output.
        max_length: the buffer length, the most tokens a row can get.
        min_length: the end token is not chosen before this many tokens.
        return_attention: also return each step's attention weights.
        noise: optional `(batch, max_length)` random inputs of `select`, drawn before the loop.

    Returns:
        A dict: `token_ids (batch, 1, max_length)` int32, padding after the end token (which is
        kept); `lengths (batch, 1)`, the tokens up to and including the end token; `scores
        (batch, 1)`, their summed log-probabilities; with `return_attention`, `attention (batch,
        1, max_length, S)`.
    """
    # Dynamic sizes: a traced function may see `(None, None)` sources.
    batch_size, source_length = ops.shape(source_mask)
    finished = ops.logical_not(ops.any(source_mask, axis=1))
    tokens = ops.zeros((batch_size, max_length), dtype="int32")
    previous = ops.full((batch_size,), START_ID, dtype="int32")
    scores = ops.zeros((batch_size,), dtype="float32")
    attention = ops.zeros((batch_size, max_length, source_length), dtype="float32")

    def cond(index, tokens, finished, *_):
        return ops.logical_and(index < max_length, ops.logical_not(ops.all(finished)))

    def body(index, tokens, finished, previous, scores, attention, state):
        logits, state, weights = step_fn(previous, state, memory)
        log_probs = log_probabilities(logits, index, min_length)
        noise_t = None if noise is None else ops.take(noise, index, axis=1)
        token = ops.where(finished, PAD_ID, ops.cast(select(log_probs, noise_t), "int32"))
        chosen = ops.take_along_axis(log_probs, ops.expand_dims(token, -1), axis=-1)[:, 0]
        scores = scores + ops.where(finished, 0.0, chosen)
        tokens = write_at(tokens, index, token)
        if return_attention:
            weights = ops.where(ops.expand_dims(finished, -1), 0.0, ops.cast(weights, "float32"))
            attention = write_at(attention, index, weights)
        finished = ops.logical_or(finished, ops.equal(token, END_ID))
        return index + 1, tokens, finished, token, scores, attention, state

    loop_vars = (ops.convert_to_tensor(0, "int32"), tokens, finished, previous, scores)
    loop_vars += (attention, state)
    _, tokens, _, _, scores, attention, _ = ops.while_loop(
        cond, body, loop_vars, maximum_iterations=max_length
    )
    outputs = {
        "token_ids": ops.expand_dims(tokens, 1),
        "lengths": ops.sum(ops.cast(ops.not_equal(tokens, PAD_ID), "int32"), axis=1, keepdims=True),
        "scores": ops.expand_dims(scores, 1),
    }
    if return_attention:
        outputs["attention"] = ops.expand_dims(attention, 1)
    return outputs

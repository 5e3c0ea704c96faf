"""Greedy decoding over a fixed-shape token buffer with `keras.ops` control flow."""

from collections.abc import Callable

from keras import ops


def greedy_search(
    step_fn: Callable,
    state,
    batch_size,
    max_length: int,
    start_id: int,
    end_id: int,
):
    """Feeds each step its own argmax until every row has produced `end_id` or `max_length`.

    Args:
        step_fn: `(token_ids (batch,), state) -> (logits (batch, V), state)`.
        state: the initial decoder state.
        batch_size: the batch size.
        max_length: how many tokens at most to generate.
        start_id: the token fed at the first step.
        end_id: the token that finishes a row; it is kept in the output.

    Returns:
        Token ids `(batch, max_length)`, zero (padding) after each row's end token.
    """
    tokens = ops.zeros((batch_size, max_length), dtype="int32")
    previous = ops.full((batch_size,), start_id, dtype="int32")
    finished = ops.zeros((batch_size,), dtype="bool")
    positions = ops.arange(max_length, dtype="int32")

    def cond(index, tokens, previous, finished, state):
        return ops.logical_and(index < max_length, ops.logical_not(ops.all(finished)))

    def body(index, tokens, previous, finished, state):
        logits, state = step_fn(previous, state)
        token = ops.cast(ops.argmax(logits, axis=-1), "int32")
        token = ops.where(finished, ops.zeros_like(token), token)
        at_index = ops.expand_dims(ops.equal(positions, index), 0)
        tokens = ops.where(at_index, ops.expand_dims(token, 1), tokens)
        finished = ops.logical_or(finished, ops.equal(token, end_id))
        return index + 1, tokens, token, finished, state

    loop_vars = (ops.convert_to_tensor(0, "int32"), tokens, previous, finished, state)
    _, tokens, *_ = ops.while_loop(cond, body, loop_vars, maximum_iterations=max_length)
    return tokens

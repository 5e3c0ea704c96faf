"""Beam search with GNMT length and coverage penalties, in `keras.ops` over fixed-shape buffers.

Scoring (Wu et al. 2016): `score = log P(Y) / lp(Y) + cp(Y)` with
`lp = ((5 + |Y|) / 6) ** alpha` and `cp = beta * sum_i log(min(sum_j a_ij, 1))` over the
non-padding source positions `i`. `|Y|` counts the generated tokens including the end token.
Candidates are ranked by this score at every step. A finished hypothesis stays in its beam,
frozen: it extends only with padding, at no cost, so its tokens, length and score stop
changing. The search ends when every beam of every row has finished, or at `max_length`.

Each step records the chosen tokens and their parent beams; `backtrack` follows the parents
back from the final beams, with plain `keras.ops` (no custom op), to recover the hypotheses and
their attention weights.
"""

from collections.abc import Callable

from keras import ops, tree

from keras_seq2seq.samplers.token_by_token import NEG_INF, log_probabilities, write_at
from keras_seq2seq.special_ids import END_ID, PAD_ID, START_ID

# Coverage below this counts as this, so an unattended source position costs a large but
# finite penalty instead of log(0).
COVERAGE_FLOOR = 1e-10


def length_normalizer(lengths, alpha: float):
    """GNMT's `lp(Y) = ((5 + |Y|) / 6) ** alpha`, the divisor of `log P(Y)`, for int `lengths`."""
    return ops.power((5.0 + ops.cast(lengths, "float32")) / 6.0, alpha)


def coverage_term(coverage, source_mask, beta: float):
    """GNMT's `cp(Y) = beta * sum_i log(min(coverage_i, 1))` over the source positions `i` where
    the mask is True.

    Args:
        coverage: `(..., S)` attention weights summed over the target steps so far.
        source_mask: bool, broadcastable to `coverage`; padding positions add nothing.
        beta: the penalty weight.

    Returns:
        `(...)` float32 penalties, zero or negative for `beta >= 0`.
    """
    clipped = ops.clip(ops.cast(coverage, "float32"), COVERAGE_FLOOR, 1.0)
    return beta * ops.sum(ops.where(source_mask, ops.log(clipped), 0.0), axis=-1)


def backtrack(parent_ids):
    """The beam each final hypothesis occupied at every step.

    Args:
        parent_ids: int `(T, batch, beam)`: `parent_ids[t, b, k]` is the beam at step `t - 1`
            that hypothesis `k` of row `b` extended at step `t`.

    Returns:
        Int32 `(T, batch, beam)`: `beams[t, b, k]`, the beam at step `t` on the path that ends
        in beam `k` at the last step. Gather step-wise outputs with it
        (`take_along_axis(step_ids, beams, axis=2)`) to get whole hypotheses.
    """
    parent_ids = ops.cast(parent_ids, "int32")
    last = ops.zeros_like(parent_ids[0]) + ops.arange(parent_ids.shape[2], dtype="int32")

    def step(beams, parents_t):
        return ops.take_along_axis(parents_t, beams, axis=1), beams

    _, beams = ops.scan(step, last, parent_ids, reverse=True)
    return beams


def _tile(x, beam_width: int):
    """`(batch, ...)` to `(batch * beam_width, ...)`, each row repeated `beam_width` times."""
    return ops.repeat(x, beam_width, axis=0)


def beam_search(
    step_fn: Callable,
    state,
    memory,
    source_mask,
    max_length: int,
    beam_width: int,
    length_penalty: float = 0.0,
    coverage_penalty: float = 0.0,
    n_best: int = 1,
    min_length: int = 0,
    return_attention: bool = False,
) -> dict:
    """Beam search over `step_fn`; the caller passes an ordinary batch, tiling happens here.

    Args:
        step_fn: `(token_ids (n,), state, memory) -> (logits (n, V), state, weights)`, with
            attention `weights (n, S)` (needed for the coverage penalty and `return_attention`).
        state: the decoder state of the batch, a nest of `(batch, ...)` tensors.
        memory: loop-invariant inputs of `step_fn`, a nest of `(batch, ...)` tensors.
        source_mask: bool `(batch, S)`; a row with no true entry decodes to an empty output.
        max_length: the most tokens per hypothesis.
        beam_width: hypotheses kept per row.
        length_penalty: GNMT's alpha, the exponent of `length_normalizer`.
        coverage_penalty: GNMT's beta, the weight of `coverage_term`.
        n_best: how many of the best hypotheses to return, at most `beam_width`.
        min_length: the end token is not chosen before this many tokens.
        return_attention: also return the attention weights along each returned hypothesis.

    Returns:
        A dict, best first: `token_ids (batch, n_best, max_length)` int32, padding after the
        end token; `lengths (batch, n_best)`, tokens including the end token; `scores
        (batch, n_best)` float32; with `return_attention`, `attention (batch, n_best,
        max_length, S)`. A row with fewer possible hypotheses than `n_best` (a tiny vocabulary,
        an empty source) ends with empty entries: length 0, only padding, zero attention and a
        score near `NEG_INF` (-1e9).
    """
    # Dynamic sizes: a traced function may see `(None, None)` sources.
    batch_size, source_length = ops.shape(source_mask)
    width = beam_width
    use_coverage = coverage_penalty != 0.0
    state = tree.map_structure(lambda x: _tile(x, width), state)
    memory = tree.map_structure(lambda x: _tile(x, width), memory)
    beam_mask = ops.expand_dims(ops.cast(source_mask, "bool"), 1)
    empty = ops.logical_not(ops.any(source_mask, axis=1, keepdims=True))

    # Only beam 0 is live at the start, so the first step does not pick one token `width` times.
    # The others start finished with log P = NEG_INF: an empty hypothesis that ranks below every
    # real one and fills the beams that real hypotheses cannot.
    dead = ops.expand_dims(ops.arange(width) > 0, 0)
    first = ops.concatenate([ops.zeros((1,), "float32"), ops.full((width - 1,), NEG_INF)], axis=0)
    log_p = ops.broadcast_to(ops.expand_dims(first, 0), (batch_size, width))
    scores = log_p / length_normalizer(0, length_penalty)
    finished = ops.logical_or(empty, dead)
    lengths = ops.zeros((batch_size, width), dtype="int32")
    coverage = ops.zeros((batch_size, width, source_length), dtype="float32")
    previous = ops.full((batch_size * width,), START_ID, dtype="int32")
    step_ids = ops.zeros((max_length, batch_size, width), dtype="int32")
    parents = ops.broadcast_to(ops.arange(width, dtype="int32"), (max_length, batch_size, width))
    step_attention = ops.zeros((max_length, batch_size, width, source_length), dtype="float32")
    row_offsets = ops.expand_dims(ops.arange(batch_size, dtype="int32") * width, 1)

    def cond(index, finished, *_):
        return ops.logical_and(index < max_length, ops.logical_not(ops.all(finished)))

    def body(index, finished, log_p, scores, lengths, coverage, previous, buffers, state):
        step_ids, parents, step_attention = buffers
        logits, state, weights = step_fn(previous, state, memory)
        vocabulary_size = logits.shape[-1]
        log_probs = ops.reshape(
            log_probabilities(logits, index, min_length), (batch_size, width, vocabulary_size)
        )
        # A finished hypothesis extends only with padding, at no cost; a live one with the tokens
        # `log_probabilities` did not remove (it marks those with exactly NEG_INF).
        is_finished = ops.expand_dims(finished, -1)
        pad = ops.equal(ops.arange(vocabulary_size, dtype="int32"), PAD_ID)
        allowed = ops.where(is_finished, pad, ops.not_equal(log_probs, NEG_INF))
        log_probs = ops.where(is_finished, 0.0, log_probs)
        total = ops.expand_dims(log_p, -1) + log_probs
        grown = lengths + ops.cast(ops.logical_not(finished), "int32")
        candidate_scores = total / ops.expand_dims(length_normalizer(grown, length_penalty), -1)
        if weights is None and (use_coverage or return_attention):
            raise ValueError(
                "The coverage penalty and `return_attention` need attention weights, and "
                "`step_fn` returned None (a decoder without attention)."
            )
        if weights is not None:
            weights = ops.reshape(ops.cast(weights, "float32"), (batch_size, width, -1))
            weights = ops.where(ops.expand_dims(finished, -1), 0.0, weights)
        if use_coverage:
            coverage = coverage + weights
            penalty = coverage_term(coverage, beam_mask, coverage_penalty)
            candidate_scores = candidate_scores + ops.expand_dims(penalty, -1)

        # Candidates not allowed rank below every allowed one, empty hypotheses included: by its
        # score alone, a removed token of a live beam (log P + NEG_INF) ties with an empty
        # hypothesis (NEG_INF + 0) or, divided by a larger `lp`, beats it.
        candidate_scores = ops.where(allowed, candidate_scores, float("-inf"))
        flat_scores = ops.reshape(candidate_scores, (batch_size, width * vocabulary_size))
        scores, best = ops.top_k(flat_scores, width)
        best = ops.cast(best, "int32")
        parent = best // vocabulary_size
        token = best % vocabulary_size

        log_p = ops.take_along_axis(ops.reshape(total, (batch_size, -1)), best, axis=1)
        lengths = ops.take_along_axis(grown, parent, axis=1)
        finished = ops.logical_or(
            ops.take_along_axis(finished, parent, axis=1), ops.equal(token, END_ID)
        )
        if use_coverage:
            coverage = ops.take_along_axis(coverage, ops.expand_dims(parent, -1), axis=1)
        flat_parent = ops.reshape(parent + row_offsets, (-1,))
        state = tree.map_structure(lambda x: ops.take(x, flat_parent, axis=0), state)

        step_ids = write_at(step_ids, index, token, axis=0)
        parents = write_at(parents, index, parent, axis=0)
        if return_attention:
            chosen = ops.take_along_axis(weights, ops.expand_dims(parent, -1), axis=1)
            step_attention = write_at(step_attention, index, chosen, axis=0)
        buffers = (step_ids, parents, step_attention)
        previous = ops.reshape(token, (-1,))
        return index + 1, finished, log_p, scores, lengths, coverage, previous, buffers, state

    loop_vars = (ops.convert_to_tensor(0, "int32"), finished, log_p, scores, lengths, coverage)
    loop_vars += (previous, (step_ids, parents, step_attention), state)
    outputs = ops.while_loop(cond, body, loop_vars, maximum_iterations=max_length)
    _, _, _, scores, lengths, _, _, (step_ids, parents, step_attention), _ = outputs

    beams = backtrack(parents)[:, :, :n_best]
    token_ids = ops.transpose(ops.take_along_axis(step_ids, beams, axis=2), (1, 2, 0))
    lengths = lengths[:, :n_best]
    # Only a hypothesis's own tokens count: a beam that never held a real hypothesis (an empty
    # source, or more beams than possible outputs) has length 0 and its ids become padding.
    inside = ops.arange(max_length, dtype="int32") < ops.expand_dims(lengths, -1)
    result = {
        "token_ids": ops.where(inside, token_ids, PAD_ID),
        "lengths": lengths,
        "scores": scores[:, :n_best],
    }
    if return_attention:
        attention = ops.take_along_axis(step_attention, ops.expand_dims(beams, -1), axis=2)
        result["attention"] = ops.transpose(attention, (1, 2, 0, 3))
    return result

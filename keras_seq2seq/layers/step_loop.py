"""The decoder's training loop over time, one step at a time: teacher forcing, scheduled sampling.

Each step feeds either the true previous token or the model's own prediction from the step
before (`teacher_forced`, drawn before the loop), runs `Decoder.cell_step`, and, when some row
feeds a prediction, projects its output to logits to make the next prediction. The projection of
the whole sequence happens after the loop, in one matmul; where the loop already computed the
logits, only its gradient is added (`known_projection`). With copy attention the loop also
collects each step's attention weights and copy gate, and the mixture is taken after it; with a
coverage loss it collects the weights.
"""

import keras
from keras import ops, tree

from keras_seq2seq.backend import time_loop
from keras_seq2seq.samplers.token_by_token import inverse_cdf_sample


def time_major(x):
    """`(batch, T, ...)` to `(T, batch, ...)` and back."""
    return ops.moveaxis(x, 1, 0)


def sequence_length(ids):
    """The target length: static where known; a scalar tensor in a TensorFlow graph traced with
    `(batch, None)` inputs (a `tf.data` pipeline of varying lengths); XLA then compiles one
    program per concrete length."""
    return ids.shape[1] if ids.shape[1] is not None else ops.shape(ids)[1]


def run_steps(decoder, decoder_input_ids, teacher_forced, sample_noise, state, memory, masks):
    """The logits `(batch, T, V)` of `decoder` run step by step over a target, and its
    attention weights `(batch, T, S)` where copy attention or a coverage loss needs them (None
    otherwise).

    Args:
        decoder: a built `Decoder`.
        decoder_input_ids: int `(batch, T)`, the true previous tokens.
        teacher_forced: bool `(batch, T)`, True where the true previous token is fed, or None
            (teacher forcing everywhere).
        sample_noise: uniform `(batch, T)` to sample predictions from the softmax with, or None
            for the argmax.
        state: `decoder.initial_state(...)`.
        memory: `decoder.prepare_memory(...)`.
        masks: `decoder.draw_dropout_masks(...)`.

    When some row feeds its own prediction into a later step, every step projects its output
    to logits and the loop returns them, so the projection is not repeated after the loop. An
    all-True `teacher_forced` makes no prediction and projects after the loop in one matmul.
    """
    ids = ops.cast(decoder_input_ids, "int32")
    if teacher_forced is None:
        teacher_forced = ops.ones_like(ids, dtype="bool")
    predicting = ops.logical_not(ops.all(teacher_forced[:, 1:]))
    noise = sample_noise if sample_noise is not None else ops.zeros(ops.shape(ids))
    no_logits = ops.zeros((ops.shape(ids)[0], decoder.vocabulary_size), decoder.compute_dtype)
    projection = decoder.output_projection
    keep_weights = decoder.copy_attention or decoder.coverage_loss_weight > 0

    def body(carry, inputs):
        state, previous_prediction = carry
        true_t, forced_t, noise_t, masks_t = inputs
        token = ops.where(forced_t, true_t, previous_prediction)
        output, state, weights, gate = decoder.cell_step(
            decoder.embedding(token), state, memory, masks_t
        )

        def predict():
            logits = ops.stop_gradient(projection(output))
            mixed = ops.stop_gradient(decoder.logits(output, weights, gate, memory, logits))
            return _predict(mixed, noise_t if sample_noise is not None else None), logits

        prediction, logits = ops.cond(
            predicting, predict, lambda: (ops.zeros_like(true_t), no_logits)
        )
        collected = {}
        if keep_weights:
            collected["weights"] = weights
        if decoder.copy_attention:
            collected["gate"] = gate
        return (state, prediction), (output, logits, collected)

    inputs = (
        time_major(ids),
        time_major(teacher_forced),
        time_major(noise),
        tree.map_structure(time_major, masks),
    )
    with time_loop.weights_read_once(decoder.weights):
        _, outputs = time_loop.scan(body, (state, ids[:, 0]), inputs, sequence_length(ids))
    outputs, logits, collected = tree.map_structure(time_major, outputs)
    # Only the value is chosen here; the gradient is the projection's, outside any branch.
    logits = ops.cond(
        predicting,
        lambda: logits,
        lambda: ops.stop_gradient(projection(outputs)),
    )
    logits = known_projection(projection, outputs, logits)
    weights = collected.get("weights")
    if decoder.copy_attention:
        logits = decoder.logits(outputs, weights, collected["gate"], memory, logits)
    return logits, weights


def _predict(logits, uniform_noise):
    """The argmax of `logits (batch, V)`, or a sample by inverting the softmax CDF at `noise`."""
    if uniform_noise is None:
        return ops.cast(ops.argmax(logits, axis=-1), "int32")
    return inverse_cdf_sample(ops.softmax(ops.cast(logits, "float32"), axis=-1), uniform_noise)


def known_projection(dense: keras.layers.Dense, outputs, logits):
    """`dense(outputs)` whose value, `logits`, the step loop already computed (without gradient).

    The forward matmul is not repeated; the gradient is the dense layer's own: `upstream @ W^T`
    for the outputs, `outputs^T @ upstream` and the sum of `upstream` for the kernel and bias.
    """
    kernel = ops.cast(dense.kernel, outputs.dtype)
    bias = ops.cast(dense.bias, outputs.dtype)

    @ops.custom_gradient
    def project(outputs, kernel, bias, logits):
        def gradient(*args, upstream=None):
            upstream = args[0] if upstream is None else upstream
            return (
                ops.matmul(upstream, ops.transpose(kernel)),
                ops.tensordot(outputs, upstream, axes=[[0, 1], [0, 1]]),
                ops.sum(upstream, axis=(0, 1)),
                None,
            )

        return logits, gradient

    return project(outputs, kernel, bias, ops.stop_gradient(logits))

"""A differentiable loop over the time axis, compiled on every backend.

This is the one place where the training-time loop is backend-specific, because the portable
choices fall short: `keras.ops.while_loop` is not differentiable on JAX, and TensorFlow's
`keras.ops.scan` does not compile under XLA (its gradient needs a fixed iteration count). So:
JAX uses `lax.scan` (through `keras.ops.scan`), TensorFlow a `tf.while_loop` with
`maximum_iterations` (XLA-compilable, like Keras's own RNN loop) when tracing a graph, and PyTorch
(and eager TensorFlow) a Python loop.

`weights_read_once` is the other TensorFlow-specific piece. TensorFlow reads a variable wherever
it is used, so a layer called inside a `tf.while_loop` reads its weights at every step, and XLA's
code for the loop's gradient then runs slower, on fewer cores (the README's "Benchmark" has the
figures). Decoding loops (no gradient) run at the same speed either way, so they are left alone.
"""

import contextlib
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import keras
from keras import ops, tree


def scan(step_fn: Callable, carry, inputs, length: Any):
    """Runs `carry, outputs_t = step_fn(carry, inputs_t)` for `t` in `range(length)`.

    Args:
        step_fn: a function of `(carry, inputs_t)` returning `(carry, outputs_t)`; it must not
            draw random numbers (draw them before the loop and pass them in `inputs`).
        carry: the initial loop state, a nested structure of tensors.
        inputs: a nested structure of time-major tensors `(length, ...)`.
        length: the number of steps: an int, or (only in a TensorFlow graph whose inputs have
            an unknown time dimension) a scalar tensor.

    Returns:
        `(carry, outputs)`: the final carry and the time-major stacked outputs `(length, ...)`.
    """
    backend = keras.backend.backend()
    if backend == "jax":
        return ops.scan(step_fn, carry, inputs, length=length)
    if backend == "tensorflow" and not _tf_executing_eagerly():
        return _tf_scan(step_fn, carry, inputs, length)
    outputs = []
    for t in range(length):
        carry, step_out = step_fn(carry, tree.map_structure(lambda x, t=t: x[t], inputs))
        outputs.append(step_out)
    return carry, tree.map_structure(lambda *xs: ops.stack(xs), *outputs)


@contextlib.contextmanager
def weights_read_once(weights: Sequence[keras.Variable]) -> Iterator[None]:
    """Within this context, `weights` are read once, on entry, in a TensorFlow graph.

    Every use of a weight inside the context (in a loop body traced there, too) sees that one
    read, as JAX and PyTorch always do; gradients flow to the variables as before. Elsewhere, or
    with no weights (a layer not built yet), this does nothing. Nothing inside may assign a
    variable (draw random numbers before entering), as in a `keras.StatelessScope`.
    """
    if not weights or keras.backend.backend() != "tensorflow" or _tf_executing_eagerly():
        yield
        return
    import tensorflow as tf

    mapping = [(w, tf.convert_to_tensor(w)) for w in weights]
    with keras.StatelessScope(state_mapping=mapping):
        yield


def _tf_executing_eagerly() -> bool:
    import tensorflow as tf

    return tf.executing_eagerly()


def _tf_scan(step_fn, carry, inputs, length):
    import tensorflow as tf

    # Inputs are read through TensorArrays: their gradient is one stack, where slicing the
    # whole tensor at every step would accumulate a full-size gradient per step.
    flat_inputs = [
        tf.TensorArray(
            x.dtype, size=length, element_shape=x.shape[1:], clear_after_read=False
        ).unstack(x)
        for x in tree.flatten(inputs)
    ]

    def inputs_at(t):
        return tree.pack_sequence_as(inputs, [x.read(t) for x in flat_inputs])

    # Trace one step for the output structure; graph pruning drops this unused copy.
    _, template = step_fn(carry, inputs_at(0))
    flat_template = tree.flatten(template)
    arrays = [tf.TensorArray(x.dtype, size=length, element_shape=x.shape) for x in flat_template]

    def body(t, carry, arrays):
        carry, step_out = step_fn(carry, inputs_at(t))
        arrays = [a.write(t, y) for a, y in zip(arrays, tree.flatten(step_out), strict=True)]
        return t + 1, carry, arrays

    _, carry, arrays = tf.while_loop(
        lambda t, *_: t < length,
        body,
        (tf.constant(0), carry, arrays),
        maximum_iterations=length,
    )
    return carry, tree.pack_sequence_as(template, [a.stack() for a in arrays])

import keras
import numpy as np
import pytest
from keras import ops

from keras_seq2seq.backend import time_loop


def _step(carry, inputs):
    x_t, scale_t = inputs
    carry = carry * 0.5 + x_t * scale_t
    return carry, {"out": carry * 2.0, "index": ops.cast(ops.sum(carry), "float32")}


def test_scan_matches_a_python_loop():
    rng = np.random.default_rng(0)
    xs = rng.normal(size=(5, 3, 2)).astype("float32")
    scales = rng.normal(size=(5, 3, 1)).astype("float32")
    carry, outputs = time_loop.scan(_step, np.zeros((3, 2), "float32"), (xs, scales), 5)
    expected_carry = np.zeros((3, 2), "float32")
    expected_out = []
    for t in range(5):
        expected_carry = expected_carry * 0.5 + xs[t] * scales[t]
        expected_out.append(expected_carry * 2.0)
    np.testing.assert_allclose(ops.convert_to_numpy(carry), expected_carry, rtol=1e-6)
    np.testing.assert_allclose(ops.convert_to_numpy(outputs["out"]), expected_out, rtol=1e-6)
    assert tuple(outputs["index"].shape) == (5,)


def test_scan_inside_a_compiled_training_step_learns():
    """The loop compiles inside `fit` (XLA on TensorFlow, jit on JAX) and passes gradients."""

    class Recurrent(keras.layers.Layer):
        def build(self, input_shape):
            self.w = self.add_weight(shape=(), initializer="zeros")

        def call(self, x):
            def step(carry, x_t):
                carry = carry * self.w + x_t
                return carry, carry

            _, outputs = time_loop.scan(step, ops.zeros_like(x[:, 0]), ops.moveaxis(x, 1, 0), 4)
            return ops.moveaxis(outputs, 0, 1)

    x = np.ones((8, 4, 1), "float32")
    y = np.cumsum(np.cumprod(np.full((8, 4, 1), 0.5, "float32"), 1) * 0 + 1, 1) * 0
    y = np.stack([np.sum(0.5 ** np.arange(t + 1)) for t in range(4)])[None, :, None] * x
    model = keras.Sequential([keras.Input((4, 1)), Recurrent()])
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse", jit_compile=True)
    model.fit(x, y, epochs=150, verbose=0)
    assert abs(float(ops.convert_to_numpy(model.layers[0].w)) - 0.5) < 0.05


class _Decay(keras.layers.Layer):
    """`carry = carry * w + x_t` over time, with `w` read once before the loop or not."""

    def __init__(self, read_once, **kwargs):
        super().__init__(**kwargs)
        self.read_once = read_once

    def build(self, input_shape):
        self.w = self.add_weight(shape=(), initializer=keras.initializers.Constant(0.3))

    def call(self, x):
        def step(carry, x_t):
            carry = carry * self.w + x_t
            return carry, carry

        with time_loop.weights_read_once(self.weights if self.read_once else []):
            _, outputs = time_loop.scan(step, ops.zeros_like(x[:, 0]), ops.moveaxis(x, 1, 0), 4)
        return ops.moveaxis(outputs, 0, 1)


@pytest.mark.parametrize("jit_compile", [True, False])
def test_weights_read_once_gives_the_same_values_and_gradients(jit_compile):
    x = np.linspace(-1.0, 1.0, 32, dtype="float32").reshape(8, 4, 1)
    y = np.ones((8, 4, 1), "float32")
    updated = []
    for read_once in (False, True):
        model = keras.Sequential([keras.Input((4, 1)), _Decay(read_once)])
        model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse", jit_compile=jit_compile)
        loss = model.train_on_batch(x, y)
        updated.append((loss, float(ops.convert_to_numpy(model.layers[0].w))))
    np.testing.assert_allclose(updated[1], updated[0], rtol=1e-6)
    assert updated[1][1] != pytest.approx(0.3)  # the step did update the weight


def _variable_reads_in_loops(layer):
    """The `ReadVariableOp`s inside the while-loop bodies of `layer`'s TensorFlow graph."""
    import tensorflow as tf

    graph = tf.function(layer).get_concrete_function(tf.TensorSpec((2, 4, 1))).graph
    bodies = [f for f in graph.as_graph_def().library.function if "while_body" in f.signature.name]
    assert bodies
    return [n.name for f in bodies for n in f.node_def if n.op == "ReadVariableOp"]


@pytest.mark.skipif(
    keras.backend.backend() != "tensorflow",
    reason="only a TensorFlow graph reads variables at each use; elsewhere it does nothing",
)
def test_weights_read_once_leaves_no_variable_read_in_the_loop():
    layer = _Decay(read_once=True, name="decay")
    layer.build((2, 4, 1))
    assert _variable_reads_in_loops(layer) == []
    layer.read_once = False
    assert _variable_reads_in_loops(layer) != []

import keras
import numpy as np
from keras import ops

from keras_seq2seq import time_loop


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

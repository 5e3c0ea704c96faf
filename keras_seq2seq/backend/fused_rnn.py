"""Where Keras's fused (cuDNN) LSTM and GRU kernels can run, and running a layer so they do."""

import keras
from keras import ops

from keras_seq2seq.backend import time_loop


def layer_options(cell: str, dtype=None) -> dict:
    """Extra constructor arguments of a Keras RNN layer of kind `cell` under dtype policy `dtype`.

    On JAX, an LSTM computing in a dtype other than float32 keeps off the fused kernel:
    `jax.experimental.rnn` fails to compile it for bfloat16 ("Unknown output type bfloat16"), and
    Keras only catches failures while tracing.
    """
    policy = keras.dtype_policies.get(dtype) if dtype is not None else keras.config.dtype_policy()
    if cell == "lstm" and keras.backend.backend() == "jax" and policy.compute_dtype != "float32":
        return {"use_cudnn": False}
    return {}


def run_masked(layer: keras.layers.Layer, x, mask, training=None):
    """`layer(x, mask=mask)`, leaving the mask out for a batch without padding on JAX and PyTorch.

    Their fused LSTM and GRU kernels take no mask, so Keras falls back to its step loop whenever
    one is given; without padding the mask changes nothing. TensorFlow's fused kernel handles
    right-padded masks itself.
    """
    if keras.backend.backend() == "tensorflow":
        with time_loop.weights_read_once(layer.weights):
            return layer(x, mask=mask, training=training)
    return ops.cond(
        ops.all(mask),
        lambda: layer(x, training=training),
        lambda: layer(x, mask=mask, training=training),
    )

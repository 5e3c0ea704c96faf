"""The RNN kinds shared by the encoder and decoder."""

import keras
from keras import ops

from keras_seq2seq import time_loop, validation

RNN_LAYERS = {
    "lstm": keras.layers.LSTM,
    "gru": keras.layers.GRU,
    "simple_rnn": keras.layers.SimpleRNN,
}


def check_cell(cell: str) -> str:
    return validation.one_of("cell", cell, tuple(RNN_LAYERS))


def num_states(cell: str) -> int:
    """How many state tensors one layer of this kind carries (LSTM: h and c)."""
    return 2 if cell == "lstm" else 1


def state_structure(cell: str, width: int, num_layers: int) -> list[list[int]]:
    """State widths of a stack: one list per layer, one width per state tensor."""
    return [[width] * num_states(cell) for _ in range(num_layers)]


def residual(enabled: bool, index: int, output, layer_input):
    """`output + layer_input` between stacked layers (not the first) of equal width."""
    if enabled and index > 0 and output.shape[-1] == layer_input.shape[-1]:
        return output + layer_input
    return output


def make_rnn(cell: str, units: int, name: str, dtype=None) -> keras.layers.RNN:
    """A sequence layer that returns all outputs and its final states, under dtype policy `dtype`.

    On JAX, an LSTM computing in a dtype other than float32 keeps off the fused (cuDNN) kernel:
    `jax.experimental.rnn` fails to compile it for bfloat16 ("Unknown output type bfloat16",
    seen on an H200 with JAX 0.11), and Keras only catches failures while tracing.
    """
    kwargs = {}
    policy = keras.dtype_policies.get(dtype) if dtype is not None else keras.config.dtype_policy()
    if cell == "lstm" and keras.backend.backend() == "jax" and policy.compute_dtype != "float32":
        kwargs["use_cudnn"] = False
    return RNN_LAYERS[cell](
        units, return_sequences=True, return_state=True, name=name, dtype=dtype, **kwargs
    )


def run_masked(layer: keras.layers.Layer, x, mask, training=None):
    """`layer(x, mask=mask)`, leaving the mask out for a batch without padding on JAX and PyTorch.

    Their fused (cuDNN) LSTM and GRU kernels take no mask, so Keras falls back to its step loop
    whenever one is given; without padding the mask changes nothing. TensorFlow's fused kernel
    handles right-padded masks itself.
    """
    if keras.backend.backend() == "tensorflow":
        with time_loop.weights_read_once(layer.weights):
            return layer(x, mask=mask, training=training)
    return ops.cond(
        ops.all(mask),
        lambda: layer(x, training=training),
        lambda: layer(x, mask=mask, training=training),
    )

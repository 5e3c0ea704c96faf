"""The RNN kinds shared by the encoder and decoder."""

import keras

from keras_seq2seq import choices, validation
from keras_seq2seq.backend import fused_rnn

RNN_LAYERS = dict(
    zip(choices.CELLS, (keras.layers.LSTM, keras.layers.GRU, keras.layers.SimpleRNN), strict=True)
)


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
    """A sequence layer returning all outputs and its final states, under dtype policy `dtype`."""
    return RNN_LAYERS[cell](
        units,
        return_sequences=True,
        return_state=True,
        name=name,
        dtype=dtype,
        **fused_rnn.layer_options(cell, dtype),
    )

"""The RNN kinds shared by the encoder and decoder."""

import keras

from keras_seq2seq import validation

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


def make_rnn(cell: str, units: int, name: str, **kwargs) -> keras.layers.RNN:
    """A sequence layer that returns all outputs and its final states."""
    return RNN_LAYERS[cell](units, return_sequences=True, return_state=True, name=name, **kwargs)

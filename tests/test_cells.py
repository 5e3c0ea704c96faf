"""The RNN kinds shared by encoder and decoder: layer construction and state structure."""

import keras
import pytest
from helpers import assert_rejected

from keras_seq2seq.layers import cells


@pytest.mark.parametrize("policy", ["float32", "mixed_bfloat16"])
def test_make_rnn_keeps_jax_lstm_in_low_precision_off_cudnn(policy):
    layer = cells.make_rnn("lstm", 4, name="rnn", dtype=policy)
    assert layer.dtype_policy.name == policy
    off = keras.backend.backend() == "jax" and policy != "float32"
    assert layer.use_cudnn == (False if off else "auto")
    assert cells.make_rnn("gru", 4, name="rnn", dtype=policy).dtype_policy.name == policy


def test_state_structure_per_cell():
    assert cells.state_structure("lstm", 8, 2) == [[8, 8], [8, 8]]
    assert cells.state_structure("gru", 8, 1) == [[8]]
    assert_rejected(lambda: cells.check_cell("transformer"), "cell")

"""The RNN kinds shared by encoder and decoder: layer construction and the mask-free fused path."""

import keras
import numpy as np
import pytest
from keras import ops

from keras_seq2seq import cells


class RecordingLSTM(keras.layers.LSTM):
    """An LSTM that records whether each call received a mask."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.masks_seen = []

    def call(self, sequences, initial_state=None, mask=None, training=False):
        self.masks_seen.append(mask is not None)
        return super().call(sequences, initial_state=initial_state, mask=mask, training=training)


@pytest.mark.parametrize("padded", [False, True])
def test_run_masked_equals_the_masked_layer(padded):
    layer = RecordingLSTM(4, return_sequences=True, return_state=True)
    x = np.random.default_rng(0).normal(size=(3, 5, 2)).astype("float32")
    mask = np.ones((3, 5), bool)
    if padded:
        mask[1, 3:] = False
    expected = [ops.convert_to_numpy(t) for t in layer(x, mask=mask)]
    layer.masks_seen.clear()
    actual = [ops.convert_to_numpy(t) for t in cells.run_masked(layer, x, mask)]
    for a, e in zip(actual, expected, strict=True):
        np.testing.assert_allclose(a, e, atol=1e-6)
    if keras.backend.backend() == "torch":  # eager: only the branch taken runs
        assert layer.masks_seen == [padded]
    elif keras.backend.backend() == "tensorflow":  # its fused kernel takes right-padded masks
        assert layer.masks_seen == [True]


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
    with pytest.raises(ValueError, match="cell"):
        cells.check_cell("transformer")

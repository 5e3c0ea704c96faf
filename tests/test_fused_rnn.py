"""Running RNN layers so that Keras's fused kernels can: the mask left out without padding."""

import keras
import numpy as np
import pytest
from keras import ops

from keras_seq2seq.backend import fused_rnn


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
    actual = [ops.convert_to_numpy(t) for t in fused_rnn.run_masked(layer, x, mask)]
    for a, e in zip(actual, expected, strict=True):
        np.testing.assert_allclose(a, e, atol=1e-6)
    if keras.backend.backend() == "torch":  # eager: only the branch taken runs
        assert layer.masks_seen == [padded]
    elif keras.backend.backend() == "tensorflow":  # its fused kernel takes right-padded masks
        assert layer.masks_seen == [True]

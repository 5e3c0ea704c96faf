import numpy as np
from helpers import assert_rejected, round_trip
from keras import ops

from keras_seq2seq.training.losses import MaskedCrossEntropy


def _nll(labels, logits):
    logp = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    return -np.take_along_axis(logp, labels[..., None], -1)[..., 0], logp


def test_mean_over_non_padding_tokens():
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(2, 3, 5)).astype("float32")
    labels = np.array([[1, 2, 0], [3, 0, 0]], dtype="int32")
    nll, _ = _nll(labels, logits)
    expected = (nll[0, 0] + nll[0, 1] + nll[1, 0]) / 3
    value = ops.convert_to_numpy(MaskedCrossEntropy()(labels, logits))
    np.testing.assert_allclose(value, expected, rtol=1e-5)


def test_padding_amount_does_not_change_the_loss():
    rng = np.random.default_rng(1)
    logits = rng.normal(size=(1, 2, 5)).astype("float32")
    labels = np.array([[1, 2]], dtype="int32")
    padded_logits = np.concatenate([logits, rng.normal(size=(1, 4, 5)).astype("float32")], 1)
    padded_labels = np.array([[1, 2, 0, 0, 0, 0]], dtype="int32")
    loss = MaskedCrossEntropy()
    np.testing.assert_allclose(
        ops.convert_to_numpy(loss(labels, logits)),
        ops.convert_to_numpy(loss(padded_labels, padded_logits)),
        rtol=1e-6,
    )


def test_label_smoothing_value():
    logits = np.array([[[2.0, 0.0, -1.0]]], dtype="float32")
    labels = np.array([[0 + 1]], dtype="int32")
    nll, logp = _nll(labels, logits)
    expected = 0.9 * nll[0, 0] + 0.1 * (-logp.mean())
    value = ops.convert_to_numpy(MaskedCrossEntropy(label_smoothing=0.1)(labels, logits))
    np.testing.assert_allclose(value, expected, rtol=1e-5)


def test_sample_weight_per_sequence():
    rng = np.random.default_rng(2)
    logits = rng.normal(size=(2, 2, 4)).astype("float32")
    labels = np.array([[1, 2], [3, 0]], dtype="int32")
    nll, _ = _nll(labels, logits)
    weights = np.array([1.0, 3.0], dtype="float32")
    expected = (nll[0, 0] + nll[0, 1] + 3 * nll[1, 0]) / 5
    value = ops.convert_to_numpy(MaskedCrossEntropy()(labels, logits, sample_weight=weights))
    np.testing.assert_allclose(value, expected, rtol=1e-5)


def test_config_round_trip_and_errors():
    loss = MaskedCrossEntropy(label_smoothing=0.2)
    restored = round_trip(loss)
    assert restored.label_smoothing == 0.2 and restored.pad_id == 0
    assert_rejected(lambda: MaskedCrossEntropy(label_smoothing=1.0), "label_smoothing=1.0")
    assert_rejected(lambda: MaskedCrossEntropy(pad_id=-1), "pad_id=-1")

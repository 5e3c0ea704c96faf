import numpy as np
import pytest
from helpers import assert_rejected, round_trip
from keras import ops

from keras_seq2seq.training.metrics import MaskedAccuracy, SequenceExactMatch


def _one_hot_logits(ids, vocabulary_size=6):
    return np.eye(vocabulary_size, dtype="float32")[np.asarray(ids)]


LABELS = np.array([[4, 5, 2, 0], [3, 2, 0, 0], [0, 0, 0, 0]], dtype="int32")
PREDICTED = np.array([[4, 5, 2, 1], [3, 4, 1, 1], [1, 1, 1, 1]], dtype="int32")


def test_masked_accuracy_ignores_padding():
    metric = MaskedAccuracy()
    metric.update_state(LABELS, _one_hot_logits(PREDICTED))
    assert float(ops.convert_to_numpy(metric.result())) == pytest.approx(4 / 5)


def test_exact_match_counts_whole_sequences_and_skips_empty_rows():
    metric = SequenceExactMatch()
    metric.update_state(LABELS, _one_hot_logits(PREDICTED))
    assert float(ops.convert_to_numpy(metric.result())) == pytest.approx(1 / 2)


def test_token_sample_weights_for_both_metrics():
    weights = np.array([[1.0, 1.0, 1.0, 0.0], [0.0, 0.0, 0.0, 0.0], [0.0] * 4], dtype="float32")
    accuracy, exact = MaskedAccuracy(), SequenceExactMatch()
    accuracy.update_state(LABELS, _one_hot_logits(PREDICTED), sample_weight=weights)
    exact.update_state(LABELS, _one_hot_logits(PREDICTED), sample_weight=weights)
    assert float(ops.convert_to_numpy(accuracy.result())) == pytest.approx(1.0)
    assert float(ops.convert_to_numpy(exact.result())) == pytest.approx(1.0)


def test_metrics_accumulate_and_reset():
    metric = SequenceExactMatch()
    metric.update_state(LABELS[:1], _one_hot_logits(PREDICTED[:1]))
    metric.update_state(LABELS[1:2], _one_hot_logits(PREDICTED[1:2]))
    assert float(ops.convert_to_numpy(metric.result())) == pytest.approx(0.5)
    metric.reset_state()
    assert float(ops.convert_to_numpy(metric.result())) == 0.0


@pytest.mark.parametrize("cls", [MaskedAccuracy, SequenceExactMatch])
def test_config_round_trip(cls):
    metric = cls(pad_id=0, name="m")
    restored = round_trip(metric)
    assert type(restored) is cls and restored.name == "m" and restored.pad_id == 0
    assert_rejected(lambda: cls(pad_id=-2), "pad_id=-2")

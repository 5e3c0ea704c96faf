"""Token accuracy and whole-sequence exact match that ignore padding (id 0)."""

import keras
from keras import ops

from keras_seq2seq import validation
from keras_seq2seq.special_ids import PAD_ID
from keras_seq2seq.training.losses import token_weights


def _token_hits(y_true, y_pred):
    predicted = ops.cast(ops.argmax(y_pred, axis=-1), "int32")
    return ops.equal(ops.cast(y_true, "int32"), predicted)


@keras.saving.register_keras_serializable(package="keras_seq2seq")
class MaskedAccuracy(keras.metrics.Mean):
    """The fraction of non-padding tokens whose argmax prediction equals the label.

    Args:
        pad_id: the label id that is ignored.
        name: the metric name.

    Call arguments (`update_state`):
        y_true: int labels `(batch, T)`.
        y_pred: logits or probabilities `(batch, T, vocabulary_size)`.
        sample_weight: optional `(batch,)` or `(batch, T)` weights.

    Example:
    >>> model.compile(optimizer="adam", loss=MaskedCrossEntropy(), metrics=[MaskedAccuracy()])
    """

    def __init__(self, pad_id: int = PAD_ID, name: str = "accuracy", **kwargs):
        super().__init__(name=name, **kwargs)
        self.pad_id = validation.non_negative_int("pad_id", pad_id)

    def update_state(self, y_true, y_pred, sample_weight=None):
        hits = ops.cast(_token_hits(y_true, y_pred), self.dtype)
        weights = token_weights(y_true, self.pad_id, sample_weight, self.dtype)
        return super().update_state(hits, sample_weight=weights)

    def get_config(self) -> dict:
        return {**super().get_config(), "pad_id": self.pad_id}


@keras.saving.register_keras_serializable(package="keras_seq2seq")
class SequenceExactMatch(keras.metrics.Mean):
    """The fraction of sequences whose every non-padding token is predicted correctly.

    Rows that are all padding are left out.

    Args:
        pad_id: the label id that is ignored.
        name: the metric name.

    Call arguments (`update_state`):
        y_true: int labels `(batch, T)`.
        y_pred: logits or probabilities `(batch, T, vocabulary_size)`.
        sample_weight: optional `(batch,)` or `(batch, T)` weights; a row weighs what its
            heaviest non-padding token weighs.

    Example:
    >>> model.compile(optimizer="adam", loss=MaskedCrossEntropy(), metrics=[SequenceExactMatch()])
    """

    def __init__(self, pad_id: int = PAD_ID, name: str = "exact_match", **kwargs):
        super().__init__(name=name, **kwargs)
        self.pad_id = validation.non_negative_int("pad_id", pad_id)

    def update_state(self, y_true, y_pred, sample_weight=None):
        mask = ops.not_equal(y_true, self.pad_id)
        hits = _token_hits(y_true, y_pred)
        row_ok = ops.all(ops.logical_or(hits, ops.logical_not(mask)), axis=-1)
        # A row weighs what its heaviest non-padding token weighs (0 for an all-padding row).
        weights = ops.max(token_weights(y_true, self.pad_id, sample_weight, self.dtype), axis=-1)
        return super().update_state(ops.cast(row_ok, self.dtype), sample_weight=weights)

    def get_config(self) -> dict:
        return {**super().get_config(), "pad_id": self.pad_id}

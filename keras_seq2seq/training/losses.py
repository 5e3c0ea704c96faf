"""Masked token cross-entropy: padding (id 0) never counts."""

import keras
from keras import ops

from keras_seq2seq import validation
from keras_seq2seq.special_ids import PAD_ID


def token_weights(y_true, pad_id: int, sample_weight=None, dtype="float32"):
    """Weights `(batch, T)`: 0 at padding labels, times a `(batch,)` or `(batch, T)` weight."""
    weights = ops.cast(ops.not_equal(y_true, pad_id), dtype)
    if sample_weight is None:
        return weights
    sample_weight = ops.cast(sample_weight, dtype)
    if len(sample_weight.shape) == 1:
        sample_weight = ops.expand_dims(sample_weight, -1)
    return weights * sample_weight


@keras.saving.register_keras_serializable(package="keras_seq2seq")
class MaskedCrossEntropy(keras.losses.Loss):
    """Token cross-entropy from logits, averaged over the non-padding labels.

    Labels equal to `pad_id` get zero weight and are left out of the average, so a batch's loss
    does not depend on how much padding it carries. A `sample_weight` of shape `(batch,)` or
    `(batch, T)` multiplies the token weights.

    Args:
        label_smoothing: in [0, 1); the target puts `1 - label_smoothing` on the label and spreads
            `label_smoothing` uniformly over the vocabulary.
        pad_id: the label id that is ignored.
        name: the loss name.

    Call arguments:
        y_true: int labels `(batch, T)`.
        y_pred: logits `(batch, T, vocabulary_size)`.
        sample_weight: optional weights `(batch,)` or `(batch, T)`.

    Returns:
        A scalar: the weighted mean over non-padding tokens (0 when there are none).

    Example:
    >>> loss = MaskedCrossEntropy(label_smoothing=0.1)
    >>> value = loss(labels, logits)
    """

    def __init__(
        self,
        label_smoothing: float = 0.0,
        pad_id: int = PAD_ID,
        name: str = "masked_cross_entropy",
        **kwargs,
    ):
        kwargs.setdefault("reduction", "mean_with_sample_weight")
        super().__init__(name=name, **kwargs)
        self.label_smoothing = validation.unit_interval(
            "label_smoothing", label_smoothing, include_one=False
        )
        self.pad_id = validation.non_negative_int("pad_id", pad_id)

    def __call__(self, y_true, y_pred, sample_weight=None):
        weights = token_weights(y_true, self.pad_id, sample_weight)
        return super().__call__(y_true, y_pred, sample_weight=weights)

    def call(self, y_true, y_pred):
        labels = ops.cast(y_true, "int32")
        # Cross-entropy in float32 whatever the compute dtype, so mixed precision stays stable.
        logits = ops.cast(y_pred, "float32")
        nll = ops.sparse_categorical_crossentropy(labels, logits, from_logits=True)
        if self.label_smoothing == 0.0:
            return nll
        uniform = -ops.mean(ops.log_softmax(logits, axis=-1), axis=-1)
        return (1.0 - self.label_smoothing) * nll + self.label_smoothing * uniform

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"label_smoothing": self.label_smoothing, "pad_id": self.pad_id})
        return config

"""Masked token cross-entropy: padding (id 0) never counts.

The public path of `keras_seq2seq.training.losses`, where it is implemented.
"""

from keras_seq2seq.training.losses import (
    MaskedCrossEntropy,
    token_weights,
)

__all__ = [
    "MaskedCrossEntropy",
    "token_weights",
]

"""Token accuracy and whole-sequence exact match that ignore padding (id 0).

The public path of `keras_seq2seq.training.metrics`, where it is implemented.
"""

from keras_seq2seq.training.metrics import (
    MaskedAccuracy,
    SequenceExactMatch,
)

__all__ = [
    "MaskedAccuracy",
    "SequenceExactMatch",
]

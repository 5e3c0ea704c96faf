"""Teacher-forcing schedules: the probability of feeding the true previous token.

The public path of `keras_seq2seq.training.schedules`, where it is implemented.
"""

from keras_seq2seq.training.schedules import (
    Constant,
    Exponential,
    InverseSigmoid,
    Linear,
    Schedule,
)

__all__ = [
    "Constant",
    "Exponential",
    "InverseSigmoid",
    "Linear",
    "Schedule",
]

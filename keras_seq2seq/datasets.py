"""Small generated tasks for tests, examples and quick experiments (no downloads).

The public path of `keras_seq2seq.data.datasets`, where it is implemented.
"""

from keras_seq2seq.data.datasets import (
    DIGIT_NAMES,
    DIGIT_OFFSET,
    DIGITS_VOCABULARY_SIZE,
    copy_digits,
    reverse_digits,
    spelled_digits,
)

__all__ = [
    "DIGITS_VOCABULARY_SIZE",
    "DIGIT_NAMES",
    "DIGIT_OFFSET",
    "copy_digits",
    "reverse_digits",
    "spelled_digits",
]

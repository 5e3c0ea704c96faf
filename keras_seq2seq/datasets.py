"""Small tasks for tests, examples and quick experiments (no downloads): generated digit tasks,
and dialogue pairs read from the installed `chatterbot-corpus` package.

The public path of `keras_seq2seq.data.datasets` and `keras_seq2seq.data.dialogue`, where they
are implemented.
"""

from keras_seq2seq.data.datasets import (
    DIGIT_NAMES,
    DIGIT_OFFSET,
    DIGITS_VOCABULARY_SIZE,
    copy_digits,
    reverse_digits,
    spelled_digits,
)
from keras_seq2seq.data.dialogue import chatterbot_languages, chatterbot_pairs

__all__ = [
    "DIGITS_VOCABULARY_SIZE",
    "DIGIT_NAMES",
    "DIGIT_OFFSET",
    "chatterbot_languages",
    "chatterbot_pairs",
    "copy_digits",
    "reverse_digits",
    "spelled_digits",
]

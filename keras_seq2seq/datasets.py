"""Small tasks for tests, examples and quick experiments (no downloads): generated digit tasks,
dialogue pairs read from the installed `chatterbot-corpus` package, code generation pairs read
from Python files (this interpreter's standard library by default), and summarization pairs
read from a Debian `Translation-en` file.

The public path of `keras_seq2seq.data.datasets`, `.dialogue`, `.python_code` and `.debian`,
where they are implemented.
"""

from keras_seq2seq.data.datasets import (
    DIGIT_NAMES,
    DIGIT_OFFSET,
    DIGITS_VOCABULARY_SIZE,
    copy_digits,
    reverse_digits,
    spelled_digits,
)
from keras_seq2seq.data.debian import debian_summary_pairs
from keras_seq2seq.data.dialogue import chatterbot_languages, chatterbot_pairs
from keras_seq2seq.data.python_code import python_function_pairs

__all__ = [
    "DIGITS_VOCABULARY_SIZE",
    "DIGIT_NAMES",
    "DIGIT_OFFSET",
    "chatterbot_languages",
    "chatterbot_pairs",
    "copy_digits",
    "debian_summary_pairs",
    "python_function_pairs",
    "reverse_digits",
    "spelled_digits",
]

"""Text to ids and back with tensorflow-text, usable inside `tf.data` under any Keras backend.

The public path of `keras_seq2seq.data.text`, where it is implemented.
"""

from keras_seq2seq.data.text import (
    JOINER,
    LEVELS,
    MAX_BYTES_PER_WORD,
    NORMALIZATIONS,
    RESERVED_TOKENS,
    SENTENCEPIECE_FILE,
    VOCABULARY_FILE,
    TextProcessor,
)

__all__ = [
    "JOINER",
    "LEVELS",
    "MAX_BYTES_PER_WORD",
    "NORMALIZATIONS",
    "RESERVED_TOKENS",
    "SENTENCEPIECE_FILE",
    "VOCABULARY_FILE",
    "TextProcessor",
]

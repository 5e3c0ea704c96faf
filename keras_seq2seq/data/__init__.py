"""Data: id arrays in the package's convention, text processing, `tf.data` pipelines, and the
generated tasks. Only `text` and `pipeline` import TensorFlow; `sentencepiece` trains the
SentencePiece models of `text`'s sentencepiece level.

`keras_seq2seq.data.pad` and `keras_seq2seq.data.add_start_and_end` are the array helpers of
`arrays`, kept here where 0.1 had them.
"""

from keras_seq2seq.data.arrays import add_start_and_end, pad

__all__ = ["add_start_and_end", "pad"]

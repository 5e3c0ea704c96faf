"""Turning id sequences into the arrays `Seq2Seq.fit` takes."""

from collections.abc import Sequence

import numpy as np

from keras_seq2seq import validation
from keras_seq2seq.special_ids import END_ID, PAD_ID, START_ID


def pad(sequences: Sequence[Sequence[int]], length: int | None = None) -> np.ndarray:
    """Right-pads id sequences with 0 into an int32 array `(batch, length)`.

    Args:
        sequences: id sequences of any lengths.
        length: the padded length (default: the longest sequence); longer sequences raise.
    """
    longest = max((len(s) for s in sequences), default=0)
    length = longest if length is None else validation.non_negative_int("length", length)
    if length < longest:
        raise ValueError(f"`length` {length} is shorter than the longest sequence ({longest}).")
    array = np.full((len(sequences), length), PAD_ID, dtype="int32")
    for row, sequence in enumerate(sequences):
        array[row, : len(sequence)] = sequence
    return array


def add_start_and_end(
    targets: Sequence[Sequence[int]], length: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Decoder inputs (start token + target) and labels (target + end token), right-padded.

    Args:
        targets: target id sequences, without start or end tokens.
        length: the padded length of both arrays (default: the longest target plus one).

    Returns:
        `(decoder_input_ids, labels)`, both int32 `(batch, length)`.

    Example:
    >>> add_start_and_end([[7, 8]])
    (array([[1, 7, 8]], dtype=int32), array([[7, 8, 2]], dtype=int32))
    """
    decoder_inputs = pad([[START_ID, *t] for t in targets], length)
    labels = pad([[*t, END_ID] for t in targets], length)
    return decoder_inputs, labels

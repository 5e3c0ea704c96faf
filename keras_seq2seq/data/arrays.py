"""The id arrays `Seq2Seq` takes: building them from id sequences, and checking them.

Inputs are `(source_ids, decoder_input_ids)` or a dict with those keys; labels are the decoder
inputs shifted left by one. Ids 0-3 are padding, start, end and unknown (`special_ids`).
"""

from collections.abc import Sequence

import numpy as np

from keras_seq2seq import validation
from keras_seq2seq.special_ids import END_ID, PAD_ID, START_ID

INPUT_KEYS = ("source_ids", "decoder_input_ids")


def unpack_inputs(inputs):
    """`(source_ids, decoder_input_ids)` from a pair or a dict with those keys."""
    if isinstance(inputs, dict):
        missing = [k for k in INPUT_KEYS if k not in inputs]
        if missing:
            raise ValueError(
                f"Seq2Seq inputs need the keys {INPUT_KEYS}; missing {missing}. "
                f"Received keys: {sorted(inputs)}"
            )
        return inputs["source_ids"], inputs["decoder_input_ids"]
    if isinstance(inputs, (list, tuple)) and len(inputs) == 2:
        return inputs[0], inputs[1]
    raise ValueError(
        "Seq2Seq inputs must be (source_ids, decoder_input_ids) or a dict with the keys "
        f"{INPUT_KEYS}. Received: {type(inputs).__name__}"
    )


def is_array(value) -> bool:
    """Whether `value` is array data (checked eagerly) rather than a dataset or generator."""
    return isinstance(value, (np.ndarray, list)) or hasattr(value, "__array__")


def check_ids(name: str, ids, vocabulary_size: int) -> np.ndarray:
    """Checks an id array eagerly: integer dtype, rank 2, ids in `[0, vocabulary_size)`."""
    array = np.asarray(ids)
    if not np.issubdtype(array.dtype, np.integer):
        raise ValueError(f"`{name}` must hold integer ids. Received dtype={array.dtype}")
    if array.ndim != 2 or array.shape[1] < 1:
        raise ValueError(
            f"`{name}` must be (batch, length) with length >= 1. Received shape={array.shape}"
        )
    if array.size and (array.min() < 0 or array.max() >= vocabulary_size):
        bad = array.min() if array.min() < 0 else array.max()
        raise ValueError(
            f"`{name}` holds id {bad}, outside the vocabulary of size {vocabulary_size}; "
            "the data and the model's vocabulary_size do not match."
        )
    return array


def check_training_arrays(
    x,
    y,
    source_vocabulary_size: int,
    target_vocabulary_size: int,
    labels_required: bool = False,
) -> None:
    """Checks array inputs `x` and labels `y` (or None) eagerly; datasets are left alone.

    `x` must hold at least one example; ids must be integers inside each vocabulary, every
    non-empty row of the decoder inputs must start with the start token, and labels must be
    shaped like the decoder inputs. With `labels_required` (`fit`, `evaluate`), `y` must be given.
    """
    if not isinstance(x, (dict, list, tuple)):
        return
    source_ids, decoder_input_ids = unpack_inputs(x)
    if not (is_array(source_ids) and is_array(decoder_input_ids)):
        return
    sources = check_ids("source_ids", source_ids, source_vocabulary_size)
    targets = check_ids("decoder_input_ids", decoder_input_ids, target_vocabulary_size)
    if not len(sources):
        raise ValueError(
            "`x` must hold at least one example. "
            f"Received: x with source_ids of shape {sources.shape}"
        )
    if labels_required and y is None:
        raise ValueError("`y` (the labels) must be given with array inputs `x`. Received: y=None")
    rows = np.flatnonzero((targets[:, 0] != START_ID) & (targets != PAD_ID).any(axis=1))
    if rows.size:
        raise ValueError(
            f"`decoder_input_ids` must start with the start token {START_ID}; row "
            f"{rows[0]} starts with {targets[rows[0], 0]}. "
            "Use keras_seq2seq.data.add_start_and_end to build decoder inputs and labels."
        )
    if y is not None and is_array(y):
        labels = check_ids("labels", y, target_vocabulary_size)
        if labels.shape != targets.shape:
            raise ValueError(
                f"`labels` must be shaped like `decoder_input_ids` {targets.shape}. "
                f"Received shape={labels.shape}"
            )


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

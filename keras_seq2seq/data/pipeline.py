"""String pairs to batched, padded, length-bucketed `tf.data` datasets ready for `Seq2Seq.fit`."""

import contextlib
import dataclasses
import functools
import os
import re
import warnings
from collections.abc import Iterable, Iterator

import keras
import numpy as np
import tensorflow as tf

from keras_seq2seq import choices, validation
from keras_seq2seq.data.arrays import unpack_inputs
from keras_seq2seq.data.text import TextProcessor
from keras_seq2seq.special_ids import END_ID, START_ID

TOO_LONG = choices.TOO_LONG
# What the pipeline takes as pairs: a list of (source, target) strings, a TSV path, or a
# `tf.data.Dataset` of string pairs.
PairsLike = Iterable[tuple[str, str]] | str | os.PathLike | tf.data.Dataset
# Batches are padded up to the next of these lengths, so a compiled train step sees a few
# shapes instead of one per batch; past the last one, to a multiple of it.
PADDED_LENGTHS = (8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256)
# How many line numbers the warning about invalid UTF-8 in a TSV file lists.
_SHOWN_LINES = 5
# Decoding with "surrogateescape" keeps each invalid byte as one of these lone surrogates.
_ESCAPED_BYTES = re.compile("[\udc80-\udcff]")
# A failed `check_dataset_ids` check as TensorFlow reports it: the three parts of its message.
_FAILED_ID_CHECK = re.compile(r"assertion failed: \[(`x` holds [^\]]*)\] \[(-?\d+)\] \[([^\]]*)\]")


def read_tsv(path: str | os.PathLike) -> list[tuple[str, str]]:
    """Reads `source<TAB>target` lines (UTF-8) into pairs; blank lines are skipped.

    Columns after the second are ignored, a byte-order mark is dropped and invalid UTF-8 bytes
    become U+FFFD, with one warning per file naming it, the number of such lines and the first
    few line numbers (a file in another encoding, such as Latin-1, would otherwise train on
    U+FFFD unnoticed). A line without a tab raises a `ValueError` naming the file and line
    number; a missing file raises `FileNotFoundError` with the path.
    """
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"No such TSV file: {path!r}")
    pairs = []
    invalid_lines = []
    with open(path, encoding="utf-8-sig", errors="surrogateescape") as file:
        for number, line in enumerate(file, start=1):
            line = line.rstrip("\r\n")
            if _ESCAPED_BYTES.search(line):
                invalid_lines.append(number)
                line = line.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            if not line.strip():
                continue
            if "\t" not in line:
                raise ValueError(
                    f"{path}:{number}: expected `source<TAB>target`, found no tab in {line[:80]!r}"
                )
            source, target = line.split("\t")[:2]
            pairs.append((source, target))
    if invalid_lines:
        shown = ", ".join(str(n) for n in invalid_lines[:_SHOWN_LINES])
        more = ", ..." if len(invalid_lines) > _SHOWN_LINES else ""
        warnings.warn(
            f"{path}: {len(invalid_lines)} lines are not valid UTF-8 (lines {shown}{more}); "
            "their invalid bytes became U+FFFD. Convert the file to UTF-8 (is it Latin-1?).",
            stacklevel=2,
        )
    return pairs


@dataclasses.dataclass(frozen=True)
class LengthReport:
    """What `text_pairs_dataset` did to long pairs; every pair is counted once."""

    pairs: int
    kept: int
    truncated_sources: int
    truncated_targets: int
    dropped: int


def tokenize_pairs(
    pairs: "PairsLike",
    source_processor: TextProcessor,
    target_processor: TextProcessor,
    max_source_length: int | None = None,
    max_target_length: int | None = None,
    too_long: str = "truncate",
    batch_size: int = 4096,
) -> tuple[list[np.ndarray], list[np.ndarray], LengthReport]:
    """Tokenizes string pairs and applies the length limits.

    Args:
        pairs: `(source, target)` strings: a list, a TSV path, or a `tf.data.Dataset` of pairs.
        source_processor, target_processor: adapted `TextProcessor`s.
        max_source_length: the most source tokens (None: no limit).
        max_target_length: the most target tokens, the end token included (None: no limit).
        too_long: `"truncate"` cuts long sides to the limit; `"drop"` drops the pair.
        batch_size: how many pairs are tokenized at once.

    Returns:
        `(sources, targets, report)`: int32 id arrays without start or end tokens, and a
        `LengthReport`.
    """
    too_long = validation.one_of("too_long", too_long, TOO_LONG)
    validation.positive_int("batch_size", batch_size)
    if max_source_length is not None:
        validation.positive_int("max_source_length", max_source_length)
    if max_target_length is not None and (
        validation.positive_int("max_target_length", max_target_length) < 2
    ):
        raise ValueError(
            "`max_target_length` counts the end token, so it must be at least 2. "
            f"Received: max_target_length={max_target_length!r}"
        )
    source_limit = max_source_length or np.inf
    target_limit = (max_target_length or np.inf) - 1  # room for the end token
    sources, targets = [], []
    total = truncated_sources = truncated_targets = dropped = 0
    for source_text, target_text in _batches(pairs, batch_size):
        for source, target in zip(
            source_processor.tokenize(source_text).numpy(),
            target_processor.tokenize(target_text).numpy(),
            strict=True,
        ):
            total += 1
            source_long, target_long = len(source) > source_limit, len(target) > target_limit
            if too_long == "drop" and (source_long or target_long):
                dropped += 1
                continue
            truncated_sources += source_long
            truncated_targets += target_long
            sources.append(source[: max_source_length or None].astype("int32"))
            targets.append(target[: int(min(len(target), target_limit))].astype("int32"))
    report = LengthReport(total, len(sources), truncated_sources, truncated_targets, dropped)
    if truncated_sources or truncated_targets or dropped:
        warnings.warn(
            f"Length limits (max_source_length={max_source_length}, "
            f"max_target_length={max_target_length}, too_long={too_long!r}) applied to "
            f"{total} pairs: {truncated_sources} sources and {truncated_targets} targets "
            f"truncated, {dropped} pairs dropped.",
            stacklevel=2,
        )
    return sources, targets, report


def text_pairs_dataset(
    pairs: "PairsLike",
    source_processor: TextProcessor,
    target_processor: TextProcessor,
    batch_size: int = 64,
    max_source_length: int | None = None,
    max_target_length: int | None = None,
    too_long: str = "truncate",
    shuffle: bool = True,
    seed: int | None = None,
    fill_batches: bool = True,
) -> tf.data.Dataset:
    """A dataset of `((source_ids, decoder_input_ids), labels)` batches for `Seq2Seq.fit`.

    Pairs are tokenized once, up front (so length limits are counted: a warning states how
    many pairs were truncated or dropped). Batches group pairs of similar length
    (`tf.data.Dataset.bucket_by_sequence_length`) and each side is padded to the next length
    in `PADDED_LENGTHS`, but never past that side's longest sequence in the data (so sources
    cut at 150 tokens are not padded to 192), so padding stays small and compiled train steps
    see few shapes. The last, short batch of each bucket is filled up to `batch_size` with
    all-padding rows, which the package's losses and metrics ignore: each bucket then costs
    one compiled shape instead of two (a quarter to almost half fewer compilations per epoch
    on the `../shared` corpora). Everything leaving the pipeline is dense int32, so JAX and
    PyTorch get NumPy batches.

    Args:
        pairs: `(source, target)` strings: a list, a TSV path, or a `tf.data.Dataset` of pairs.
        source_processor, target_processor: adapted `TextProcessor`s.
        batch_size: rows per batch.
        max_source_length: the most source tokens (None: no limit).
        max_target_length: the most label tokens, the end token included (None: no limit).
        too_long: `"truncate"` cuts long sides to the limit; `"drop"` drops the pair.
        shuffle: shuffle the pairs on every pass (and so the batch order).
        seed: the shuffle seed.
        fill_batches: fill each bucket's last batch with all-padding rows (False: it keeps
            only its pairs, for a loss or metric that does not ignore padding labels).

    Returns:
        A `tf.data.Dataset` of `((source_ids (B, S), decoder_input_ids (B, T)), labels (B, T))`.

    Example:
    >>> dataset = text_pairs_dataset("train.tsv", source, target, max_source_length=50)
    >>> model.fit(dataset, epochs=10)
    """
    validation.positive_int("batch_size", batch_size)
    sources, targets, report = tokenize_pairs(
        pairs, source_processor, target_processor, max_source_length, max_target_length, too_long
    )
    if not sources:
        path = isinstance(pairs, (str, os.PathLike))
        given = f"`pairs` (the TSV file {os.fspath(pairs)!r})" if path else "`pairs`"
        if report.pairs:
            raise ValueError(
                f"The length limits (max_source_length={max_source_length}, "
                f"max_target_length={max_target_length}, too_long={too_long!r}) dropped all "
                f"{report.pairs} pairs of {given}; no pairs are left to train on."
            )
        raise ValueError(f"{given} holds no pairs to train on.")
    dataset = tf.data.Dataset.from_tensor_slices((_ragged(sources), _ragged(targets)))
    if shuffle:
        dataset = dataset.shuffle(len(sources), seed=seed, reshuffle_each_iteration=True)
    dataset = dataset.map(_with_start_and_end)
    source_lengths = np.array([len(s) for s in sources])
    label_lengths = np.array([len(t) + 1 for t in targets])
    lengths = np.maximum(source_lengths, label_lengths)
    boundaries = [n + 1 for n in PADDED_LENGTHS if n < lengths.max()]
    dataset = dataset.bucket_by_sequence_length(
        lambda inputs, labels: tf.maximum(tf.shape(inputs[0])[0], tf.shape(labels)[0]),
        bucket_boundaries=boundaries,
        bucket_batch_sizes=[batch_size] * (len(boundaries) + 1),
    )
    # Each bucket yields ceil(pairs in it / batch_size) batches whatever the shuffle, so the
    # number of batches is known, and Keras can show progress and count steps per epoch.
    buckets = np.bincount(np.searchsorted(boundaries, lengths, side="right"))
    batches = int(np.sum(-(-buckets // batch_size)))
    dataset = dataset.apply(tf.data.experimental.assert_cardinality(batches))
    pad = functools.partial(
        _pad_batch,
        rows=batch_size if fill_batches else None,
        source_cap=max(PADDED_LENGTHS[0], int(source_lengths.max())),
        target_cap=max(PADDED_LENGTHS[0], int(label_lengths.max())),
    )
    return dataset.map(pad).prefetch(tf.data.AUTOTUNE)


def check_dataset_ids(x, source_vocabulary_size: int, target_vocabulary_size: int):
    """`x` with the ids of every batch checked as it is read, if it is a `tf.data.Dataset`.

    What `Seq2Seq.fit`, `evaluate` and `predict` do to a dataset (arrays are checked eagerly
    instead): a batch holding an id outside its vocabulary (source ids, decoder inputs or labels)
    stops the loop before the model sees it, and `dataset_id_errors` raises it as a `ValueError`
    naming the input and the id. The check is a minimum and a maximum per batch, inside the
    pipeline. Anything other than a dataset is returned as it is.

    Args:
        x: what `fit` was given as `x`.
        source_vocabulary_size: the encoder's vocabulary size.
        target_vocabulary_size: the decoder's vocabulary size.
    """
    if not isinstance(x, tf.data.Dataset):
        return x

    def check(*element):
        data = element[0] if len(element) == 1 else element
        inputs, labels, _ = keras.utils.unpack_x_y_sample_weight(data)
        source_ids, decoder_input_ids = unpack_inputs(inputs)
        checks = [
            _id_check("source_ids", source_ids, source_vocabulary_size),
            _id_check("decoder_input_ids", decoder_input_ids, target_vocabulary_size),
        ]
        if labels is not None:
            checks.append(_id_check("labels", labels, target_vocabulary_size))
        with tf.control_dependencies(checks):
            return tf.nest.map_structure(tf.identity, data)

    return x.map(check, num_parallel_calls=tf.data.AUTOTUNE)


def _id_check(name: str, ids, vocabulary_size: int) -> tf.Operation:
    ids = tf.convert_to_tensor(ids)
    low, high = tf.reduce_min(ids), tf.reduce_max(ids)
    return tf.debugging.Assert(
        (low >= 0) & (high < vocabulary_size),
        [
            f"`x` holds {name} id",
            tf.where(low < 0, low, high),
            f"outside the vocabulary of size {vocabulary_size} (in a batch of the dataset); "
            "the data and the vocabulary_size of the model do not match.",
        ],
    )


@contextlib.contextmanager
def dataset_id_errors() -> Iterator[None]:
    """Re-raises a failed `check_dataset_ids` check as a `ValueError` with its message alone.

    TensorFlow raises it as an `InvalidArgumentError` wrapped in its own text, from wherever
    the backend reads the dataset; other errors pass through unchanged.
    """
    try:
        yield
    except tf.errors.InvalidArgumentError as error:
        failed = _FAILED_ID_CHECK.search(error.message)
        if failed is None:
            raise
        start, bad_id, end = failed.groups()
        raise ValueError(f"{start} {bad_id}, {end}") from None


def _ragged(rows: list[np.ndarray]) -> tf.RaggedTensor:
    lengths = np.array([len(row) for row in rows], "int64")
    return tf.RaggedTensor.from_row_lengths(np.concatenate(rows).astype("int32"), lengths)


def _with_start_and_end(source, target):
    source = source.to_tensor() if isinstance(source, tf.RaggedTensor) else source
    target = target.to_tensor() if isinstance(target, tf.RaggedTensor) else target
    decoder_inputs = tf.concat([[START_ID], target], axis=0)
    labels = tf.concat([target, [END_ID]], axis=0)
    return (source, decoder_inputs), labels


def _pad_up(ids, cap: int, rows: int | None):
    """Pads `(batch, n)` ids to the next length in `PADDED_LENGTHS` (past it, a multiple of its
    last), at most `cap`, and with all-padding rows up to `rows` (None: as many as there are)."""
    length = tf.shape(ids)[1]
    lengths = tf.constant(PADDED_LENGTHS, tf.int32)
    index = tf.searchsorted(lengths, [length])[0]
    last = PADDED_LENGTHS[-1]
    padded = tf.where(
        index < len(PADDED_LENGTHS),
        tf.gather(lengths, tf.minimum(index, len(PADDED_LENGTHS) - 1)),
        (length + last - 1) // last * last,
    )
    filler = 0 if rows is None else rows - tf.shape(ids)[0]
    return tf.pad(ids, [[0, filler], [0, tf.minimum(padded, cap) - length]])


def _pad_batch(inputs, labels, rows: int | None, source_cap: int, target_cap: int):
    source, decoder_inputs = inputs
    target = functools.partial(_pad_up, cap=target_cap, rows=rows)
    return (_pad_up(source, source_cap, rows), target(decoder_inputs)), target(labels)


def _batches(pairs, batch_size: int) -> Iterable[tuple[tf.Tensor, tf.Tensor]]:
    """Yields `(sources, targets)` string tensors of at most `batch_size` pairs."""
    if isinstance(pairs, (str, os.PathLike)):
        pairs = read_tsv(pairs)
    if isinstance(pairs, tf.data.Dataset):
        yield from pairs.batch(batch_size)
        return
    pairs = list(pairs)
    for pair in pairs:
        if not (
            isinstance(pair, (tuple, list))
            and len(pair) == 2
            and all(isinstance(side, str) for side in pair)
        ):
            raise ValueError(f"`pairs` must hold (source, target) string pairs. Received {pair!r}")
    for start in range(0, len(pairs), batch_size):
        sources, targets = zip(*pairs[start : start + batch_size], strict=True)
        yield tf.constant(sources, tf.string), tf.constant(targets, tf.string)

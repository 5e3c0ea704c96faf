"""String pairs to batched, padded, length-bucketed `tf.data` datasets ready for `Seq2Seq.fit`.

The public path of `keras_seq2seq.data.pipeline`, where it is implemented.
"""

from keras_seq2seq.data.pipeline import (
    PADDED_LENGTHS,
    TOO_LONG,
    LengthReport,
    PairsLike,
    check_dataset_ids,
    dataset_id_errors,
    read_tsv,
    text_pairs_dataset,
    tokenize_pairs,
)

__all__ = [
    "PADDED_LENGTHS",
    "TOO_LONG",
    "LengthReport",
    "PairsLike",
    "check_dataset_ids",
    "dataset_id_errors",
    "read_tsv",
    "text_pairs_dataset",
    "tokenize_pairs",
]

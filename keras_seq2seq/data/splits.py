"""Deterministic train/valid/test splits by a hash of a key (a conversation's opening, a module's
path, a package family), so everything sharing a key lands in one set on every machine."""

import hashlib

from keras_seq2seq import validation

SPLITS = ("train", "valid", "test")


def check_split(split: str, valid_fraction: float, test_fraction: float) -> None:
    """Raises ValueError naming the bad argument: `split` not one of `SPLITS`, a fraction
    outside [0, 1], or fractions summing to more than 1."""
    validation.one_of("split", split, SPLITS)
    validation.unit_interval("valid_fraction", valid_fraction)
    validation.unit_interval("test_fraction", test_fraction)
    if valid_fraction + test_fraction > 1.0:
        raise ValueError(
            "valid_fraction + test_fraction must be at most 1. Received: "
            f"valid_fraction={valid_fraction}, test_fraction={test_fraction}"
        )


def split_of(key: str, valid_fraction: float, test_fraction: float) -> str:
    """The split `key` falls in: its SHA-256 read as a fraction of 2**64, below `test_fraction`
    is test, below `test_fraction + valid_fraction` valid, the rest train."""
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    position = int.from_bytes(digest[:8], "big") / 2**64
    if position < test_fraction:
        return "test"
    return "valid" if position < test_fraction + valid_fraction else "train"

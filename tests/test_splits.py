"""Hash splits: deterministic, in the stated shares, and bad arguments named."""

import pytest
from helpers import assert_rejected

from keras_seq2seq.data.splits import check_split, split_of


def test_splits_are_deterministic_and_close_to_the_fractions():
    keys = [f"key {i}" for i in range(4000)]
    first = [split_of(k, 0.1, 0.2) for k in keys]
    assert first == [split_of(k, 0.1, 0.2) for k in keys]
    shares = {s: first.count(s) / len(keys) for s in ("train", "valid", "test")}
    assert shares == pytest.approx({"train": 0.7, "valid": 0.1, "test": 0.2}, abs=0.03)
    assert {split_of(k, 0.0, 0.0) for k in keys} == {"train"}
    assert {split_of(k, 1.0, 0.0) for k in keys} == {"valid"}


def test_bad_arguments_are_named():
    assert_rejected(lambda: check_split("dev", 0.1, 0.1), "split='dev'")
    assert_rejected(lambda: check_split("train", -0.1, 0.1), "valid_fraction=-0.1")
    assert_rejected(lambda: check_split("train", 0.1, 1.5), "test_fraction=1.5")
    with pytest.raises(ValueError, match="at most 1"):
        check_split("train", 0.6, 0.6)

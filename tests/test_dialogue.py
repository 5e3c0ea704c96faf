"""Dialogue pairs from the installed chatterbot-corpus: consecutive turns, split by conversation."""

import pytest
from helpers import assert_rejected

from keras_seq2seq import datasets


def test_pairs_are_consecutive_turns_and_splits_never_share_an_opening():
    splits = {s: datasets.chatterbot_pairs("english", s) for s in ("train", "valid", "test")}
    assert len(splits["train"]) > 1000 and len(splits["valid"]) > 50 and splits["test"]
    assert ("Hello", "Hi") in splits["train"] + splits["valid"] + splits["test"]
    openings = {s: {u.lower() for u, _ in pairs} for s, pairs in splits.items()}
    # A conversation's later turns may echo another's opening; whole openings never repeat
    # across sets, so every "Hi, How is it going?" conversation sits in one.
    assert sum("hi, how is it going?" in o for o in openings.values()) == 1
    assert all(u and r for u, r in splits["train"])


def test_other_languages_and_bad_arguments():
    assert "german" in datasets.chatterbot_languages()
    assert datasets.chatterbot_pairs("german", "train")
    assert_rejected(lambda: datasets.chatterbot_pairs("klingon"), "language='klingon'")
    assert_rejected(lambda: datasets.chatterbot_pairs(split="dev"), "split='dev'")
    with pytest.raises(ValueError, match="at most 1"):
        datasets.chatterbot_pairs(valid_fraction=0.6, test_fraction=0.6)

"""Generated tasks: shapes, conventions, reproducibility, argument checks."""

import numpy as np
import pytest
from helpers import assert_rejected

from keras_seq2seq import datasets


def test_reverse_digits_targets_are_reversed_sources():
    (source, decoder_inputs), labels = datasets.reverse_digits(50, max_length=6, seed=0)
    assert source.shape == (50, 6) and labels.shape == decoder_inputs.shape == (50, 7)
    for row in range(50):
        digits = source[row][source[row] != 0]
        np.testing.assert_array_equal(labels[row][: len(digits)], digits[::-1])
        assert labels[row][len(digits)] == 2 and decoder_inputs[row][0] == 1


def test_copy_digits_targets_are_the_sources():
    (source, decoder_inputs), labels = datasets.copy_digits(50, min_length=3, max_length=6, seed=0)
    assert source.shape == (50, 6) and labels.shape == decoder_inputs.shape == (50, 7)
    for row in range(50):
        digits = source[row][source[row] != 0]
        assert 3 <= len(digits) <= 6
        np.testing.assert_array_equal(labels[row][: len(digits)], digits)
        np.testing.assert_array_equal(decoder_inputs[row][1 : len(digits) + 1], digits)


def test_spelled_digits_pairs():
    pairs = datasets.spelled_digits(100, min_length=2, max_length=4, seed=3)
    assert pairs == datasets.spelled_digits(100, min_length=2, max_length=4, seed=3)
    for digits, words in pairs:
        assert 2 <= len(digits) <= 4
        assert words.split() == [datasets.DIGIT_NAMES[int(d)] for d in digits]


@pytest.mark.parametrize(
    "task", [datasets.reverse_digits, datasets.copy_digits, datasets.spelled_digits]
)
def test_bad_arguments(task):
    assert_rejected(lambda: task(0), "num_samples")
    assert_rejected(lambda: task(10, min_length=5, max_length=3), "min_length=5, max_length=3")

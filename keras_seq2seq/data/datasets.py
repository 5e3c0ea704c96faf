"""Small generated tasks for tests, examples and quick experiments (no downloads)."""

import numpy as np

from keras_seq2seq import validation
from keras_seq2seq.data.arrays import add_start_and_end, pad

DIGIT_OFFSET = 4  # digit d has id d + 4: ids 0-3 are reserved (keras_seq2seq.special_ids)
DIGITS_VOCABULARY_SIZE = DIGIT_OFFSET + 10


def reverse_digits(
    num_samples: int, min_length: int = 1, max_length: int = 10, seed: int | None = None
) -> tuple[tuple[np.ndarray, np.ndarray], np.ndarray]:
    """The reverse-the-digits task: the target is the source's digits in reverse order.

    Args:
        num_samples: how many pairs.
        min_length: the shortest source, in digits.
        max_length: the longest source, in digits.
        seed: the random seed.

    Returns:
        `(source_ids, decoder_input_ids), labels`: int32 arrays, right-padded, with sources
        `(num_samples, max_length)` and targets `(num_samples, max_length + 1)`; digit `d` is id
        `d + 4`, so the vocabulary size is `DIGITS_VOCABULARY_SIZE` (14).

    Example:
    >>> (source, decoder_inputs), labels = reverse_digits(1000, seed=0)
    """
    return _digits_task(num_samples, min_length, max_length, seed, reverse=True)


def copy_digits(
    num_samples: int, min_length: int = 1, max_length: int = 10, seed: int | None = None
) -> tuple[tuple[np.ndarray, np.ndarray], np.ndarray]:
    """The copy task: the target is the source's digits in the same order.

    Arguments and returns as `reverse_digits`. With a plain decoder (no attention) the first
    target digit is the one read longest ago, the case Sutskever et al.'s source reversal helps.

    Example:
    >>> (source, decoder_inputs), labels = copy_digits(1000, max_length=50, seed=0)
    """
    return _digits_task(num_samples, min_length, max_length, seed, reverse=False)


def _digits_task(num_samples, min_length, max_length, seed, reverse):
    _check_counts(num_samples, min_length, max_length)
    rng = np.random.default_rng(seed)
    lengths = rng.integers(min_length, max_length + 1, num_samples)
    sources = [list(rng.integers(0, 10, n) + DIGIT_OFFSET) for n in lengths]
    targets = [s[::-1] for s in sources] if reverse else sources
    decoder_inputs, labels = add_start_and_end(targets, max_length + 1)
    return (pad(sources, max_length), decoder_inputs), labels


DIGIT_NAMES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def spelled_digits(
    num_samples: int, min_length: int = 1, max_length: int = 6, seed: int | None = None
) -> list[tuple[str, str]]:
    """String pairs: a number written in digits, and its digits spelled out in English words.

    A small text-to-text task for the text processors and `Translator` (character-level
    source, word-level target).

    Example:
    >>> spelled_digits(2, seed=0)[0]
    ('523000', 'five two three zero zero zero')
    """
    _check_counts(num_samples, min_length, max_length)
    rng = np.random.default_rng(seed)
    pairs = []
    for length in rng.integers(min_length, max_length + 1, num_samples):
        digits = rng.integers(0, 10, length)
        pairs.append(("".join(map(str, digits)), " ".join(DIGIT_NAMES[d] for d in digits)))
    return pairs


def _check_counts(num_samples: int, min_length: int, max_length: int) -> None:
    validation.positive_int("num_samples", num_samples)
    validation.positive_int("min_length", min_length)
    validation.positive_int("max_length", max_length)
    if min_length > max_length:
        raise ValueError(
            f"`min_length` must not exceed `max_length`. Received: min_length={min_length}, "
            f"max_length={max_length}"
        )

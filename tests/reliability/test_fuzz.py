"""A bounded, seeded fuzz of `TextProcessor`: random bytes and random Unicode never crash it,
ids stay in the vocabulary, and what it detokenizes is its normalization of the input."""

import numpy as np
import pytest

from keras_seq2seq.data.text import TextProcessor
from keras_seq2seq.special_ids import UNK_ID

CORPUS = [
    "Open the file %s.", "Öffne die Datei {0}.", "ファイルを開く 🙂", "Файл %1$s открыт",
    "الملف مفتوح", "naïve café — 42%", "%.*s of %d bytes", "e\u0301 combining",
]  # fmt: skip
INPUTS = 300


def random_texts(seed: int, count: int = INPUTS) -> list:
    """Random UTF-8 byte strings (mostly invalid), random code points from every plane (no
    surrogates) and shuffles of the corpus's words and placeholders with random whitespace."""
    rng = np.random.default_rng(seed)
    words = sorted(set(" ".join(CORPUS).split()) | {"%s", "{0}", "%.*s", "%1$s"})
    texts = []
    for index in range(count):
        length = int(rng.integers(0, 48))
        if index % 3 == 0:
            texts.append(rng.bytes(length))
        elif index % 3 == 1:
            points = rng.integers(1, 0x110000, length)
            texts.append("".join(chr(p) for p in points if not 0xD800 <= p < 0xE000))
        else:
            picked = rng.choice(words, length // 4)
            spaces = rng.choice([" ", "  ", "\t", "\n", "\r\n", "\x00"], len(picked))
            texts.append("".join(w + space for w, space in zip(picked, spaces, strict=True)))
    return texts


@pytest.mark.parametrize(
    "level, size",
    # sentencepiece holds 256 byte pieces beside the text's own.
    [("character", 200), ("word", 200), ("subword", 200), ("sentencepiece", 400)],
)
def test_random_input_tokenizes_within_the_vocabulary(level, size):
    processor = TextProcessor(level, max_vocabulary_size=size)
    processor.adapt(CORPUS * 4)
    texts = random_texts(seed=len(level))
    ids = processor.tokenize(texts)
    assert ids.shape[0] == INPUTS
    flat = ids.flat_values.numpy()
    assert ((flat >= 0) & (flat < processor.vocabulary_size)).all()
    normalized = processor.normalize(texts).numpy()
    detokenized = processor.detokenize(ids).numpy()
    compared = 0
    for row, text, decoded, expected in zip(
        ids.to_list(), texts, detokenized, normalized, strict=True
    ):
        decoded = decoded.decode("utf-8")  # always valid UTF-8
        if UNK_ID not in row:
            assert decoded == expected.decode("utf-8"), text
            compared += 1
    assert compared >= INPUTS // 6  # most shuffles of known words, at least

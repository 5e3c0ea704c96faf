"""Shared fixtures: tiny models and data; every test runs under the active KERAS_BACKEND."""

import keras
import numpy as np
import pytest

from keras_seq2seq.layers import Decoder, Encoder
from keras_seq2seq.model import Seq2Seq


@pytest.fixture(autouse=True)
def _seed():
    keras.utils.set_random_seed(1234)


def tiny_model(
    attention="luong",
    input_feeding=True,
    vocabulary_size=20,
    units=16,
    seed=0,
    encoder_kwargs=None,
    **decoder_kwargs,
) -> Seq2Seq:
    """A small Seq2Seq for shape and behaviour tests."""
    return Seq2Seq(
        Encoder(vocabulary_size, 8, units, **(encoder_kwargs or {})),
        Decoder(
            vocabulary_size,
            8,
            units,
            attention=attention,
            input_feeding=input_feeding,
            **decoder_kwargs,
        ),
        seed=seed,
    )


def random_batch(batch=6, source_len=7, target_len=5, vocabulary_size=20, seed=0, pad=True):
    """Random right-padded `(source_ids, decoder_input_ids), labels` in the package convention."""
    rng = np.random.default_rng(seed)
    source = rng.integers(4, vocabulary_size, (batch, source_len)).astype("int32")
    target = rng.integers(4, vocabulary_size, (batch, target_len + 1)).astype("int32")
    target[:, 0] = 1
    if pad:
        for row in range(batch):
            source[row, rng.integers(1, source_len + 1) :] = 0
            cut = rng.integers(2, target_len + 2)
            target[row, cut - 1] = 2
            target[row, cut:] = 0
    return (source, target[:, :-1]), target[:, 1:]

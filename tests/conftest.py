"""Shared fixtures: tiny models and data; every test runs under the active KERAS_BACKEND."""

import keras
import numpy as np
import pytest
from keras import ops

from keras_seq2seq import distribute
from keras_seq2seq.layers import Decoder, Encoder
from keras_seq2seq.model import Seq2Seq

# The shared asserts in helpers.py get pytest's detailed failure messages, as in the test modules.
pytest.register_assert_rewrite("helpers")

# Two CPU devices for the data-parallel tests; they must exist before the backend computes.
if keras.backend.backend() != "torch":
    distribute.split_cpu(2)


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


def chain_probabilities(vocabulary_size, transitions):
    """A `(V, V)` table of next-token probabilities for a toy decoder.

    `transitions[previous] = {token: probability}`; the rest of each row's mass is spread evenly
    over the other tokens, so every row is a distribution with no zero entry.
    """
    table = np.zeros((vocabulary_size, vocabulary_size))
    for previous in range(vocabulary_size):
        given = transitions.get(previous, {})
        others = [t for t in range(vocabulary_size) if t not in given]
        table[previous, others] = (1.0 - sum(given.values())) / len(others)
        for token, probability in given.items():
            table[previous, token] = probability
    return table


def chain_step(probabilities, attention=None):
    """A toy `step_fn` whose logits are the log of `probabilities[previous token]`.

    The memory `{"bias": (batch, V)}` is added to the logits, so rows can differ; `attention`
    `(V, S)` gives the weights returned after each previous token. The state counts steps.
    """
    log_table = ops.convert_to_tensor(np.log(probabilities), "float32")
    weights_table = None if attention is None else ops.convert_to_tensor(attention, "float32")

    def step(token_ids, state, memory):
        logits = ops.take(log_table, token_ids, axis=0) + memory["bias"]
        weights = None if weights_table is None else ops.take(weights_table, token_ids, axis=0)
        return logits, {"steps": state["steps"] + 1}, weights

    return step


def chain_inputs(batch, vocabulary_size, source_length=3, bias=None):
    """`(state, memory, source_mask)` for `chain_step` with no bias unless given."""
    state = {"steps": ops.zeros((batch,), "int32")}
    if bias is None:
        bias = np.zeros((batch, vocabulary_size))
    memory = {"bias": ops.convert_to_tensor(bias, "float32")}
    return state, memory, ops.ones((batch, source_length), "bool")


@pytest.fixture(scope="session")
def trained_translator():
    """A `Translator` from digits to spelled-out digits, trained for a few seconds."""
    from keras_seq2seq import datasets, pipeline
    from keras_seq2seq.data.text import TextProcessor
    from keras_seq2seq.serving.translator import Translator

    keras.utils.set_random_seed(0)
    pairs = datasets.spelled_digits(3000, seed=1)
    source = TextProcessor("character", max_vocabulary_size=30)
    source.adapt(s for s, _ in pairs)
    target = TextProcessor("word", max_vocabulary_size=30)
    target.adapt(t for _, t in pairs)
    model = Seq2Seq(
        Encoder(source.vocabulary_size, 16, 32),
        Decoder(target.vocabulary_size, 16, 32, attention="luong"),
    )
    model.compile(optimizer=keras.optimizers.Adam(0.01))
    model.fit(pipeline.text_pairs_dataset(pairs, source, target, seed=0), epochs=4, verbose=0)
    return Translator(source, target, model, max_source_length=12, max_length=14)

import keras
import numpy as np
import pytest
from helpers import assert_config_round_trip, assert_rejected
from keras import ops

from keras_seq2seq import Seq2Seq, samplers
from keras_seq2seq.data.arrays import add_start_and_end
from keras_seq2seq.layers import copy
from keras_seq2seq.layers.decoder import Decoder
from keras_seq2seq.layers.encoder import Encoder

SOURCE = np.array([[5, 6, 7, 0], [4, 5, 6, 7]], dtype="int32")
TARGET = np.array([[1, 8, 9, 2, 0], [1, 4, 4, 4, 4]], dtype="int32")


def _numpy(x):
    return ops.convert_to_numpy(x)


def test_mix_equals_a_hand_computation():
    logits = np.array([[0.0, 1.0, 2.0, 0.5, -1.0]], "float32")
    weights = np.array([[0.5, 0.25, 0.25, 0.0]], "float32")
    source_ids = np.array([[3, 1, 3, 0]], "int32")  # id 3 twice, then padding
    gate = np.log(np.array([[0.75 / 0.25]], "float32"))  # the logit of 0.75
    vocabulary = np.exp(logits) / np.exp(logits).sum()
    copied = np.array([[0.0, 0.25, 0.0, 0.75, 0.0]])
    expected = np.log(0.75 * vocabulary + 0.25 * copied)
    mixed = _numpy(copy.mix(logits, weights, gate, source_ids))
    np.testing.assert_allclose(mixed, expected, rtol=1e-6, atol=1e-6)


def test_scatter_over_time_matches_each_step():
    rng = np.random.default_rng(0)
    weights = rng.random((2, 3, 4)).astype("float32")
    source_ids = np.array([[5, 1, 5, 2], [0, 4, 4, 4]], "int32")
    over_time = _numpy(copy.scatter_to_vocabulary(weights, source_ids, 6))
    for t in range(3):
        step = _numpy(copy.scatter_to_vocabulary(weights[:, t], source_ids, 6))
        np.testing.assert_allclose(over_time[:, t], step, rtol=1e-6)
    np.testing.assert_allclose(over_time.sum(-1), weights.sum(-1), rtol=1e-6)


def _encoded():
    return Encoder(20, 8, 6)(SOURCE)


@pytest.mark.parametrize("attention, input_feeding", [("luong", True), ("bahdanau", False)])
def test_every_path_gives_the_same_log_probabilities(attention, input_feeding):
    memory, mask, states = _encoded()
    decoder = Decoder(
        20, 8, 6, attention=attention, input_feeding=input_feeding, copy_attention=True
    )
    teacher = _numpy(decoder(TARGET, memory, mask, states, source_ids=SOURCE))
    looped = _numpy(
        decoder(
            TARGET,
            memory,
            mask,
            states,
            source_ids=SOURCE,
            teacher_forced=np.ones(TARGET.shape, bool),
        )
    )
    np.testing.assert_allclose(teacher, looped, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(np.log(np.exp(teacher).sum(-1)), 0.0, atol=1e-5)
    state = decoder.initial_state(states, 2)
    prepared = decoder.prepare_memory(memory, mask, SOURCE)
    for t in range(TARGET.shape[1]):
        logits, state, _ = decoder.step(TARGET[:, t], state, prepared)
        np.testing.assert_allclose(teacher[:, t], _numpy(logits), rtol=1e-5, atol=1e-5)


def test_a_zero_gate_logit_gives_half_of_each_distribution():
    memory, mask, states = _encoded()
    decoder = Decoder(20, 8, 6, attention="luong", copy_attention=True)
    decoder(TARGET, memory, mask, states, source_ids=SOURCE)
    decoder.copy_gate.kernel.assign(np.zeros(decoder.copy_gate.kernel.shape))  # sigmoid(0)
    state = decoder.initial_state(states, 2)
    prepared = decoder.prepare_memory(memory, mask, SOURCE)
    output, _, weights, gate = decoder.cell_step(
        decoder.embedding(TARGET[:, 0]), state, prepared, {}
    )
    vocabulary = _numpy(ops.softmax(decoder.output_projection(output)))
    copied = np.zeros((2, 20))
    for row in range(2):
        for position, token in enumerate(SOURCE[row]):
            copied[row, token] += _numpy(weights)[row, position]
    np.testing.assert_allclose(_numpy(gate), 0.0)  # sigmoid(0) = 0.5
    logits, _, _ = decoder.step(TARGET[:, 0], state, prepared)
    expected = np.log(0.5 * vocabulary + 0.5 * copied)
    np.testing.assert_allclose(_numpy(logits), expected, rtol=1e-5, atol=1e-6)


def test_scheduled_sampling_feeds_the_argmax_of_the_mixture():
    memory, mask, states = _encoded()
    decoder = Decoder(20, 8, 6, attention="luong", copy_attention=True)
    free = _numpy(
        decoder(TARGET, memory, mask, states, source_ids=SOURCE,
                teacher_forced=np.zeros(TARGET.shape, bool))
    )  # fmt: skip
    fed = np.concatenate([TARGET[:, :1], free.argmax(-1)[:, :-1].astype("int32")], axis=1)
    teacher = _numpy(decoder(fed, memory, mask, states, source_ids=SOURCE))
    np.testing.assert_allclose(free, teacher, rtol=1e-5, atol=1e-5)


def test_bad_arguments():
    assert_rejected(
        lambda: Decoder(20, attention=None, copy_attention=True),
        "needs attention. Received: attention=None",
    )
    assert_rejected(
        lambda: Seq2Seq(
            Encoder(30, 8, 6), Decoder(20, 8, 6, attention="luong", copy_attention=True)
        ),
        "encoder vocabulary_size=30, decoder vocabulary_size=20",
    )
    memory, mask, states = _encoded()
    decoder = Decoder(20, 8, 6, attention="luong", copy_attention=True)
    assert_rejected(lambda: decoder(TARGET, memory, mask, states), "needs `source_ids`")


def test_config_round_trip():
    decoder = assert_config_round_trip(Decoder(20, attention="bahdanau", copy_attention=True))
    assert decoder.copy_attention


# Sequences of 3-6 identifiers to copy: 2,000 identifiers for training, each seen a few times,
# and 100 others for the test that neither the encoder nor the decoder ever saw. The model
# without copy attention trains on a quarter of the pairs: nothing ever trained it to emit the
# test identifiers, so more training would not help it.
FIRST_TEST_ID = 4 + 2000
VOCABULARY = FIRST_TEST_ID + 100


def _identifiers(seed, count, first, last):
    rng = np.random.default_rng(seed)
    rows = [list(rng.integers(first, last, size=rng.integers(3, 7))) for _ in range(count)]
    return np.array([row + [0] * (6 - len(row)) for row in rows], "int32"), rows


def _train(copy_attention):
    source, rows = _identifiers(0, 2048 if copy_attention else 512, 4, FIRST_TEST_ID)
    decoder_input, labels = add_start_and_end(rows)
    keras.utils.set_random_seed(0)
    model = Seq2Seq(
        Encoder(VOCABULARY, 16, 32),
        Decoder(VOCABULARY, 16, 32, attention="luong", copy_attention=copy_attention),
        seed=0,
    )
    model.compile(optimizer=keras.optimizers.Adam(0.01))
    model.fit((source, decoder_input), labels, batch_size=64, epochs=3, verbose=0)
    return model


def _exact_match(model, source, rows, sampler):
    ids = model.generate(source, sampler=sampler, max_length=8)["token_ids"][:, 0]
    hits = [list(out[: len(row) + 1]) == [*row, 2] for out, row in zip(ids, rows, strict=True)]
    return float(np.mean(hits)), ids


@pytest.mark.slow
def test_copy_learns_to_copy_identifiers_never_seen_in_training():
    source, rows = _identifiers(1, 200, FIRST_TEST_ID, VOCABULARY)
    with_copy = _train(True)
    greedy, greedy_ids = _exact_match(with_copy, source, rows, samplers.Greedy())
    beam, beam_ids = _exact_match(with_copy, source, rows, samplers.BeamSearch(3))
    without, _ = _exact_match(_train(False), source, rows, samplers.Greedy())
    assert greedy >= 0.95, greedy
    assert beam >= 0.95, beam
    assert np.mean(np.all(greedy_ids == beam_ids, axis=1)) >= 0.95
    assert without <= 0.05, without


def test_a_reversed_source_is_copied_in_the_memory_order():
    encoder = Encoder(20, 8, 6, reverse_source=True)
    np.testing.assert_array_equal(
        _numpy(encoder.memory_order(SOURCE)), [[7, 6, 5, 0], [7, 6, 5, 4]]
    )
    model = Seq2Seq(encoder, Decoder(20, 8, 6, attention="luong", copy_attention=True))
    memory, mask, states = encoder(SOURCE)
    reversed_ids = encoder.memory_order(SOURCE)
    expected = model.decoder(TARGET, memory, mask, states, source_ids=reversed_ids)
    np.testing.assert_allclose(_numpy(model((SOURCE, TARGET))), _numpy(expected), rtol=1e-6)

import itertools

import keras
import numpy as np
import pytest
from helpers import assert_config_round_trip, assert_rejected
from keras import ops

from keras_seq2seq.layers.attention import BahdanauAttention, LuongAttention
from keras_seq2seq.layers.decoder import Decoder
from keras_seq2seq.layers.encoder import Encoder

SOURCE = np.array([[5, 6, 7, 0], [4, 5, 6, 7]], dtype="int32")
TARGET = np.array([[1, 8, 9, 2, 0], [1, 4, 4, 4, 4]], dtype="int32")


def _encoded(encoder=None):
    encoder = encoder or Encoder(20, 8, 6)
    return encoder(SOURCE)


def _decoder(**kwargs):
    kwargs.setdefault("attention", "luong")
    return Decoder(20, 8, 6, **kwargs)


@pytest.mark.parametrize(
    "cell, num_layers, attention, input_feeding, bridge",
    list(
        itertools.product(
            ["lstm", "gru", "simple_rnn"],
            [1, 2],
            [None, "luong", "bahdanau"],
            [True, False],
            ["copy", "dense", "zero"],
        )
    ),
)
def test_shapes(cell, num_layers, attention, input_feeding, bridge):
    encoder = Encoder(20, 8, 6, cell=cell, num_layers=num_layers)
    decoder = Decoder(
        20,
        8,
        6,
        cell=cell,
        num_layers=num_layers,
        attention=attention,
        input_feeding=input_feeding,
        bridge=bridge,
        residual=num_layers > 1,
    )
    memory, mask, states = _encoded(encoder)
    logits = decoder(TARGET, memory, mask, states)
    assert tuple(logits.shape) == (2, 5, 20)


def test_dense_bridge_joins_a_bidirectional_encoder_of_other_width():
    encoder = Encoder(20, 8, 5, num_layers=2, bidirectional=True)
    decoder = _decoder(bridge="dense", num_layers=1, cell="gru")
    memory, mask, states = _encoded(encoder)
    assert tuple(decoder(TARGET, memory, mask, states).shape) == (2, 5, 20)


def test_copy_bridge_rejects_mismatched_states():
    encoder = Encoder(20, 8, 6, bidirectional=True)
    memory, mask, states = _encoded(encoder)
    assert_rejected(
        lambda: _decoder()(TARGET, memory, mask, states),
        "bridge='copy'.*\\[\\[6, 6\\]\\].*\\[\\[12, 12\\]\\]",
    )


def test_without_attention_equals_a_plain_lstm():
    memory, mask, states = _encoded()
    decoder = _decoder(attention=None)
    logits = decoder(TARGET, memory, mask, states)
    reference = keras.layers.LSTM(6, return_sequences=True)
    reference.build((None, None, 8))
    reference.set_weights(decoder.rnn_layers[0].get_weights())
    outputs = reference(decoder.embedding(TARGET), initial_state=states[0])
    expected = decoder.output_projection(outputs)
    np.testing.assert_allclose(
        ops.convert_to_numpy(logits), ops.convert_to_numpy(expected), rtol=1e-5, atol=1e-6
    )


@pytest.mark.parametrize("attention", [None, "luong", "bahdanau"])
@pytest.mark.parametrize("input_feeding", [True, False])
def test_all_true_choice_equals_teacher_forcing(attention, input_feeding):
    """The step loop (scheduled sampling) and the teacher-forced path are the same math."""
    memory, mask, states = _encoded(Encoder(20, 8, 6, num_layers=2))
    decoder = _decoder(attention=attention, input_feeding=input_feeding, num_layers=2)
    teacher = decoder(TARGET, memory, mask, states)
    looped = decoder(TARGET, memory, mask, states, teacher_forced=np.ones(TARGET.shape, bool))
    np.testing.assert_allclose(
        ops.convert_to_numpy(teacher), ops.convert_to_numpy(looped), rtol=1e-5, atol=1e-5
    )


@pytest.mark.parametrize("input_feeding", [True, False])
def test_step_reproduces_teacher_forcing(input_feeding):
    memory, mask, states = _encoded()
    decoder = _decoder(input_feeding=input_feeding)
    teacher = ops.convert_to_numpy(decoder(TARGET, memory, mask, states))
    state = decoder.initial_state(states, 2)
    attention_memory = decoder.prepare_memory(memory, mask)
    for t in range(TARGET.shape[1]):
        logits, state, weights = decoder.step(TARGET[:, t], state, attention_memory)
        np.testing.assert_allclose(teacher[:, t], ops.convert_to_numpy(logits), 1e-5, 1e-5)
        assert np.all(ops.convert_to_numpy(weights)[0, 3] == 0.0)


def test_all_false_choice_feeds_the_models_own_argmax():
    memory, mask, states = _encoded()
    decoder = _decoder()
    free = ops.convert_to_numpy(
        decoder(TARGET, memory, mask, states, teacher_forced=np.zeros(TARGET.shape, bool))
    )
    predictions = free.argmax(-1).astype("int32")
    fed = np.concatenate([TARGET[:, :1], predictions[:, :-1]], axis=1)
    teacher = ops.convert_to_numpy(decoder(fed, memory, mask, states))
    np.testing.assert_allclose(free, teacher, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("input_feeding", [True, False])
def test_mixed_choice_feeds_predictions_exactly_where_chosen(input_feeding):
    """Columns 1 and 3 mix true tokens and predictions; column 2 is all true (no prediction)."""
    memory, mask, states = _encoded()
    decoder = _decoder(input_feeding=input_feeding)
    choice = np.array([[1, 0, 1, 1, 1], [1, 1, 1, 0, 0]], dtype=bool)
    mixed = ops.convert_to_numpy(decoder(TARGET, memory, mask, states, teacher_forced=choice))
    predictions = mixed.argmax(-1).astype("int32")
    previous = np.concatenate([TARGET[:, :1], predictions[:, :-1]], axis=1)
    fed = np.where(choice, TARGET, previous)
    teacher = ops.convert_to_numpy(decoder(fed, memory, mask, states))
    np.testing.assert_allclose(mixed, teacher, rtol=1e-5, atol=1e-5)


def test_sampled_predictions_follow_the_noise():
    """Noise 0 samples the first token with any mass; noise just below 1 the last one."""
    memory, mask, states = _encoded()
    decoder = _decoder()
    choice = np.zeros(TARGET.shape, bool)
    for noise, expected in ((0.0, 0), (1.0 - 1e-7, 19)):
        free = decoder(
            TARGET,
            memory,
            mask,
            states,
            teacher_forced=choice,
            sample_noise=np.full(TARGET.shape, noise, "float32"),
        )
        fed = np.concatenate([TARGET[:, :1], np.full((2, 4), expected, "int32")], axis=1)
        teacher = decoder(fed, memory, mask, states)
        np.testing.assert_allclose(
            ops.convert_to_numpy(free), ops.convert_to_numpy(teacher), rtol=1e-5, atol=1e-5
        )


def test_dropout_masks_are_used_only_in_training():
    memory, mask, states = _encoded()
    decoder = _decoder(dropout=0.5, seed=3)
    inference = [ops.convert_to_numpy(decoder(TARGET, memory, mask, states)) for _ in range(2)]
    np.testing.assert_array_equal(inference[0], inference[1])
    trained = ops.convert_to_numpy(decoder(TARGET, memory, mask, states, training=True))
    assert not np.allclose(trained, inference[0])
    masks = decoder.draw_dropout_masks(2, 5, training=True)
    assert set(masks) == {"embedding", "layer_0"}
    assert set(np.unique(ops.convert_to_numpy(masks["layer_0"]))) <= {0.0, 2.0}


def test_config_round_trip_with_attention_layer():
    decoder = Decoder(
        30,
        4,
        6,
        cell="gru",
        num_layers=2,
        attention=BahdanauAttention(7, normalize=True),
        attention_layer_size=5,
        input_feeding=False,
        bridge="dense",
        dropout=0.2,
        residual=True,
        seed=4,
    )
    restored = assert_config_round_trip(decoder)
    assert isinstance(restored.attention, BahdanauAttention) and restored.attention.normalize


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"cell": "lstmx"}, "cell='lstmx'"),
        ({"attention": "dot"}, "attention='dot'"),
        ({"bridge": "mlp"}, "bridge='mlp'"),
        ({"vocabulary_size": 0}, "vocabulary_size=0"),
        ({"attention_layer_size": 0}, "attention_layer_size=0"),
        ({"dropout": -0.1}, "dropout=-0.1"),
    ],
)
def test_bad_arguments(kwargs, message):
    kwargs.setdefault("vocabulary_size", 10)
    assert_rejected(lambda: Decoder(**kwargs), message)


def test_other_attention_layers_are_rejected():
    assert_rejected(lambda: Decoder(10, attention=keras.layers.Attention()), "attention=<Attention")


def test_string_attention_shortcuts():
    assert isinstance(Decoder(10, attention="luong").attention, LuongAttention)
    assert isinstance(Decoder(10, attention="bahdanau").attention, BahdanauAttention)

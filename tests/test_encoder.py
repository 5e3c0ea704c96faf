import itertools

import numpy as np
import pytest
from helpers import assert_config_round_trip, assert_rejected
from keras import ops

from keras_seq2seq.layers.encoder import Encoder, reverse_within_length

IDS = np.array([[5, 6, 7, 0, 0], [4, 5, 6, 7, 8], [9, 0, 0, 0, 0]], dtype="int32")


@pytest.mark.parametrize(
    "cell, num_layers, bidirectional, merge_mode, residual, reverse_source",
    [
        *list(
            itertools.product(
                ["lstm", "gru", "simple_rnn"],
                [1, 2],
                [False, True],
                ["concat", "sum"],
                [False, True],
                [False],
            )
        ),
        ("lstm", 2, True, "sum", True, True),
    ],
)
def test_shapes(cell, num_layers, bidirectional, merge_mode, residual, reverse_source):
    encoder = Encoder(
        20,
        8,
        6,
        cell=cell,
        num_layers=num_layers,
        bidirectional=bidirectional,
        merge_mode=merge_mode,
        residual=residual,
        reverse_source=reverse_source,
    )
    memory, mask, states = encoder(IDS)
    width = 12 if bidirectional and merge_mode == "concat" else 6
    assert encoder.output_dim == width
    assert tuple(memory.shape) == (3, 5, width)
    np.testing.assert_array_equal(ops.convert_to_numpy(mask), IDS != 0)
    assert len(states) == num_layers
    for layer_states in states:
        assert len(layer_states) == (2 if cell == "lstm" else 1)
        assert all(tuple(s.shape) == (3, width) for s in layer_states)


def test_reverse_within_length_keeps_padding_at_the_end():
    reversed_ids = reverse_within_length(IDS, IDS != 0)
    np.testing.assert_array_equal(
        ops.convert_to_numpy(reversed_ids),
        [[7, 6, 5, 0, 0], [8, 7, 6, 5, 4], [9, 0, 0, 0, 0]],
    )


@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("reverse_source", [False, True])
def test_padded_batch_equals_unpadded_sequences(bidirectional, reverse_source):
    encoder = Encoder(
        20, 8, 6, num_layers=2, bidirectional=bidirectional, reverse_source=reverse_source
    )
    memory, _, states = encoder(IDS)
    memory = ops.convert_to_numpy(memory)
    for row, length in enumerate((3, 5, 1)):
        alone_memory, _, alone_states = encoder(IDS[row : row + 1, :length])
        np.testing.assert_allclose(
            memory[row, :length], ops.convert_to_numpy(alone_memory)[0], rtol=1e-5, atol=1e-6
        )
        for batch_state, alone_state in zip(states[-1], alone_states[-1], strict=True):
            np.testing.assert_allclose(
                ops.convert_to_numpy(batch_state)[row],
                ops.convert_to_numpy(alone_state)[0],
                rtol=1e-5,
                atol=1e-6,
            )


def test_pinned_values_with_constant_initializers():
    encoder = Encoder(4, 2, 1, cell="simple_rnn")
    encoder.build((None, None))
    encoder.embedding.embeddings.assign(np.full((4, 2), 0.5, dtype="float32"))
    cell = encoder.rnn_layers[0].cell
    cell.kernel.assign(np.ones((2, 1), dtype="float32"))
    cell.recurrent_kernel.assign(np.full((1, 1), 0.5, dtype="float32"))
    cell.bias.assign(np.zeros((1,), dtype="float32"))
    memory, _, states = encoder(np.array([[1, 2, 0]], dtype="int32"))
    h1 = np.tanh(1.0)
    h2 = np.tanh(1.0 + 0.5 * h1)
    np.testing.assert_allclose(ops.convert_to_numpy(memory)[0, :2, 0], [h1, h2], rtol=1e-6)
    np.testing.assert_allclose(ops.convert_to_numpy(states[0][0])[0, 0], h2, rtol=1e-6)


def test_config_round_trip():
    encoder = Encoder(
        30,
        4,
        6,
        cell="gru",
        num_layers=2,
        bidirectional=True,
        merge_mode="sum",
        dropout=0.1,
        residual=True,
        reverse_source=True,
    )
    assert_config_round_trip(encoder)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"cell": "transformer"}, "cell='transformer'"),
        ({"num_layers": 0}, "num_layers=0"),
        ({"merge_mode": "mul"}, "merge_mode='mul'"),
        ({"dropout": 1.0}, "dropout=1.0"),
        ({"units": -3}, "units=-3"),
    ],
)
def test_bad_arguments(kwargs, message):
    assert_rejected(lambda: Encoder(10, **kwargs), message)


def test_numpy_integers_are_accepted_as_sizes():
    encoder = Encoder(np.int64(20), np.int32(4), np.int64(6))
    assert encoder.vocabulary_size == 20 and type(encoder.units) is int


def test_float_ids_are_rejected():
    assert_rejected(lambda: Encoder(10, 4, 4)(IDS.astype("float32")), "source_ids.*float")

import numpy as np
import pytest
from helpers import assert_config_round_trip, assert_rejected
from keras import ops

from keras_seq2seq.layers.attention import BahdanauAttention, LuongAttention, masked_softmax

LAYERS = [
    lambda: LuongAttention("dot"),
    lambda: LuongAttention("general"),
    lambda: LuongAttention("general", scale=True),
    lambda: LuongAttention("concat", units=5),
    lambda: BahdanauAttention(units=5),
    lambda: BahdanauAttention(units=5, normalize=True),
]


def _inputs(batch=3, time=4, source=6, width=8, seed=0):
    rng = np.random.default_rng(seed)
    query = rng.normal(size=(batch, time, width)).astype("float32")
    memory = rng.normal(size=(batch, source, width)).astype("float32")
    mask = np.arange(source)[None, :] < np.array([[6], [3], [1]])[:batch]
    return query, memory, mask


@pytest.mark.parametrize("make", LAYERS)
def test_shapes_for_one_step_and_a_sequence(make):
    query, memory, mask = _inputs()
    layer = make()
    context, weights = layer(query[:, 0], memory, mask=mask)
    assert tuple(context.shape) == (3, 8) and tuple(weights.shape) == (3, 6)
    context, weights = layer(query, memory, mask=mask)
    assert tuple(context.shape) == (3, 4, 8) and tuple(weights.shape) == (3, 4, 6)


@pytest.mark.parametrize("make", LAYERS)
def test_padding_gets_exactly_zero_weight(make):
    query, memory, mask = _inputs()
    layer = make()
    _, weights = layer(query, memory, mask=mask)
    weights = ops.convert_to_numpy(weights)
    assert np.all(weights[~np.broadcast_to(mask[:, None, :], weights.shape)] == 0.0)
    np.testing.assert_allclose(weights.sum(-1), 1.0, rtol=1e-5)


@pytest.mark.parametrize("make", LAYERS)
def test_padded_memory_gives_the_unpadded_result(make):
    query, memory, _ = _inputs()
    layer = make()
    short, _ = layer(query[:1], memory[:1, :3])
    padded_memory = memory[:1].copy()
    padded_memory[:, 3:] = 99.0
    padded, _ = layer(query[:1], padded_memory, mask=np.arange(6)[None] < 3)
    np.testing.assert_allclose(ops.convert_to_numpy(short), ops.convert_to_numpy(padded), 1e-5)


@pytest.mark.parametrize("make", LAYERS)
def test_step_and_sequence_agree_and_keys_can_be_precomputed(make):
    query, memory, mask = _inputs()
    layer = make()
    context, weights = layer(query, memory, mask=mask)
    keys = layer.compute_keys(ops.convert_to_tensor(memory))
    step_context, step_weights = layer(query[:, 2], memory, keys=keys, mask=mask)
    np.testing.assert_allclose(
        ops.convert_to_numpy(context)[:, 2], ops.convert_to_numpy(step_context), rtol=1e-5
    )
    np.testing.assert_allclose(
        ops.convert_to_numpy(weights)[:, 2], ops.convert_to_numpy(step_weights), rtol=1e-5
    )


def test_luong_general_pinned_with_constant_weights():
    layer = LuongAttention("general")
    query = np.array([[1.0, 2.0]], dtype="float32")
    memory = np.array([[[1.0, 0.0], [0.0, 1.0], [5.0, 5.0]]], dtype="float32")
    layer.build(query.shape, memory.shape)
    layer.memory_kernel.assign(np.full((2, 2), 0.5, dtype="float32"))
    context, weights = layer(query, memory, mask=np.array([[True, True, False]]))
    # keys = memory @ 0.5 -> [[.5,.5],[.5,.5]]; scores equal -> uniform over the two positions.
    np.testing.assert_allclose(ops.convert_to_numpy(weights), [[0.5, 0.5, 0.0]], atol=1e-6)
    np.testing.assert_allclose(ops.convert_to_numpy(context), [[0.5, 0.5]], atol=1e-6)


def test_bahdanau_pinned_with_constant_weights():
    layer = BahdanauAttention(units=1)
    query = np.array([[0.0]], dtype="float32")
    memory = np.array([[[0.0], [1.0]]], dtype="float32")
    layer.build(query.shape, memory.shape)
    layer.query_kernel.assign(np.ones((1, 1), dtype="float32"))
    layer.memory_kernel.assign(np.ones((1, 1), dtype="float32"))
    layer.v.assign(np.ones((1,), dtype="float32"))
    _, weights = layer(query, memory)
    scores = np.tanh(np.array([0.0, 1.0]))
    expected = np.exp(scores) / np.exp(scores).sum()
    np.testing.assert_allclose(ops.convert_to_numpy(weights)[0], expected, rtol=1e-5)


def test_empty_source_gives_zero_weights_not_nan():
    weights = ops.convert_to_numpy(masked_softmax(np.zeros((2, 3)), np.zeros((2, 3), bool)))
    assert np.all(weights == 0.0)


@pytest.mark.parametrize("make", LAYERS)
def test_config_round_trip(make):
    assert_config_round_trip(make())


def test_bad_arguments():
    assert_rejected(lambda: LuongAttention("cosine"), "score='cosine'")
    assert_rejected(lambda: BahdanauAttention(units=0), "units=0")
    query, memory, _ = _inputs(width=8)
    assert_rejected(
        lambda: LuongAttention("dot")(query[..., :4], memory), "query_dim=4, memory_dim=8"
    )

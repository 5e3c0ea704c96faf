"""Token-by-token decoding (greedy and sampling) on toy step functions with known logits."""

import numpy as np
import pytest
from conftest import chain_inputs, chain_probabilities, chain_step
from keras import ops

from keras_seq2seq import samplers
from keras_seq2seq.samplers import token_by_token as decoding

V = 8
# From the start token the chain spells 4 5 6 and then ends, each with probability 0.9.
WORD = chain_probabilities(V, {1: {4: 0.9}, 4: {5: 0.9}, 5: {6: 0.9}, 6: {2: 0.9}})


def _decode(sampler, probabilities=WORD, batch=2, max_length=6, attention=None, **kwargs):
    state, memory, mask = chain_inputs(batch, V)
    outputs = sampler(
        chain_step(probabilities, attention), state, memory, mask, max_length, **kwargs
    )
    return {name: ops.convert_to_numpy(value) for name, value in outputs.items()}


def test_log_probabilities_remove_padding_start_and_early_end():
    logits = np.log(WORD[[1, 6]]).astype("float32")
    expected = ops.convert_to_numpy(ops.log_softmax(logits))
    early = ops.convert_to_numpy(decoding.log_probabilities(logits, 0, min_length=1))
    late = ops.convert_to_numpy(decoding.log_probabilities(logits, 1, min_length=1))
    assert np.all(early[:, :3] == decoding.NEG_INF)
    assert np.all(late[:, :2] == decoding.NEG_INF)
    np.testing.assert_allclose(late[:, 2:], expected[:, 2:], rtol=1e-6)
    np.testing.assert_allclose(early[:, 3:], expected[:, 3:], rtol=1e-6)


def test_inverse_cdf_sample_never_lands_on_zero_probability():
    probabilities = np.array([[0.0, 0.5, 0.0, 0.5]] * 4, "float32")
    noise = np.array([0.0, 0.49, 0.5, 1.0 - 1e-7], "float32")
    sampled = ops.convert_to_numpy(decoding.inverse_cdf_sample(probabilities, noise))
    np.testing.assert_array_equal(sampled, [1, 1, 3, 3])
    unnormalized = decoding.inverse_cdf_sample(
        np.array([[0.0, 2.0, 2.0]], "float32"), np.array([0.6], "float32")
    )
    assert ops.convert_to_numpy(unnormalized).tolist() == [2]


def test_greedy_spells_the_word_then_pads():
    outputs = _decode(samplers.Greedy())
    assert outputs["token_ids"].shape == (2, 1, 6) and outputs["token_ids"].dtype == np.int32
    np.testing.assert_array_equal(outputs["token_ids"][:, 0], [[4, 5, 6, 2, 0, 0]] * 2)
    np.testing.assert_array_equal(outputs["lengths"], [[4], [4]])
    np.testing.assert_allclose(outputs["scores"], np.full((2, 1), 4 * np.log(0.9)), rtol=1e-5)


def test_a_stop_in_the_middle_keeps_the_rest_padded():
    # After the end token the chain would go on with 7 7 7...; the output must stay padded.
    probabilities = chain_probabilities(V, {1: {4: 0.9}, 4: {2: 0.9}, 2: {7: 0.9}})
    outputs = _decode(samplers.Greedy(), probabilities, max_length=5)
    np.testing.assert_array_equal(outputs["token_ids"][:, 0], [[4, 2, 0, 0, 0]] * 2)


def test_greedy_without_an_end_fills_max_length():
    outputs = _decode(samplers.Greedy(), max_length=3)
    np.testing.assert_array_equal(outputs["token_ids"][:, 0], [[4, 5, 6]] * 2)
    np.testing.assert_array_equal(outputs["lengths"], [[3], [3]])


def test_min_length_delays_the_end_token():
    outputs = _decode(samplers.Greedy(), max_length=8, min_length=5)
    tokens = outputs["token_ids"][0, 0]
    assert 2 not in tokens[:5] and outputs["lengths"][0, 0] >= 6


def test_empty_source_decodes_to_an_empty_output():
    state, memory, mask = chain_inputs(2, V)
    mask = np.array([[False] * 3, [True, False, False]])
    outputs = samplers.Greedy()(chain_step(WORD), state, memory, mask, 4)
    np.testing.assert_array_equal(
        ops.convert_to_numpy(outputs["token_ids"])[:, 0], [[0] * 4, [4, 5, 6, 2]]
    )
    np.testing.assert_array_equal(ops.convert_to_numpy(outputs["lengths"]), [[0], [4]])
    np.testing.assert_array_equal(ops.convert_to_numpy(outputs["scores"])[0], [0.0])


def test_attention_of_each_output_token():
    attention = np.random.default_rng(0).dirichlet(np.ones(3), size=V).astype("float32")
    outputs = _decode(samplers.Greedy(), attention=attention, return_attention=True)
    assert outputs["attention"].shape == (2, 1, 6, 3)
    fed = [1, 4, 5, 6]  # the token before each output token
    np.testing.assert_allclose(outputs["attention"][0, 0, :4], attention[fed], rtol=1e-6)
    assert np.all(outputs["attention"][:, :, 4:] == 0)


def test_sampling_with_top_k_1_or_a_cold_temperature_is_greedy():
    greedy = _decode(samplers.Greedy())
    for sampler in (samplers.Sampling(top_k=1, seed=1), samplers.Sampling(0.01, seed=1)):
        noise = sampler.draw_noise(2, 6)
        outputs = _decode(sampler, noise=noise)
        np.testing.assert_array_equal(outputs["token_ids"], greedy["token_ids"])


def test_sampling_frequencies_follow_the_filtered_distribution():
    # From the start: 4 with 0.6, 5 with 0.3, 6 with 0.1 (and tiny mass elsewhere), then end.
    first = {1: {4: 0.6, 5: 0.3, 6: 0.0999}, 4: {2: 0.99}, 5: {2: 0.99}, 6: {2: 0.99}}
    probabilities = chain_probabilities(V, first)
    batch = 4000
    cases = {
        (1.0, None, None): {4: 0.6, 5: 0.3, 6: 0.1},
        (1.0, 2, None): {4: 2 / 3, 5: 1 / 3, 6: 0.0},
        (1.0, None, 0.8): {4: 2 / 3, 5: 1 / 3, 6: 0.0},
        (1.0, None, 0.5): {4: 1.0, 5: 0.0, 6: 0.0},
    }
    allowed = np.sqrt(probabilities[1, 2:])  # temperature 2, padding and start removed
    cases[(2.0, None, None)] = {4: allowed[2] / allowed.sum(), 5: allowed[3] / allowed.sum()}
    for (temperature, top_k, top_p), expected in cases.items():
        sampler = samplers.Sampling(temperature, top_k, top_p, seed=3)
        noise = sampler.draw_noise(batch, 2)
        outputs = _decode(sampler, probabilities, batch=batch, max_length=2, noise=noise)
        first_tokens = outputs["token_ids"][:, 0, 0]
        for token, frequency in expected.items():
            assert np.mean(first_tokens == token) == pytest.approx(frequency, abs=0.03), (
                temperature,
                top_k,
                top_p,
                token,
            )


def test_sampling_scores_are_the_models_log_probabilities():
    probabilities = chain_probabilities(V, {1: {4: 0.6, 5: 0.35}, 4: {2: 0.9}, 5: {2: 0.9}})
    sampler = samplers.Sampling(temperature=3.0, seed=0)
    noise = sampler.draw_noise(50, 3)
    outputs = _decode(sampler, probabilities, batch=50, max_length=3, noise=noise)
    for tokens, length, score in zip(
        outputs["token_ids"][:, 0], outputs["lengths"][:, 0], outputs["scores"][:, 0], strict=True
    ):
        fed = [1, *tokens[: length - 1]]
        expected = np.sum(np.log(probabilities[fed, tokens[:length]]))
        assert score == pytest.approx(expected, abs=1e-4)

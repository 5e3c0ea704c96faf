"""Beam search on toy step functions with known logits, back-tracking and the GNMT penalties."""

import numpy as np
import pytest
from conftest import chain_inputs, chain_probabilities, chain_step
from keras import ops

from keras_seq2seq import samplers
from keras_seq2seq.samplers import beam_search

V = 8
# Greedy takes 4 (0.5) and then ends (0.35): P = 0.175. Starting with 5 (0.4) and ending (0.9)
# is better: P = 0.36, which beam 2 finds.
TRAP = chain_probabilities(V, {1: {4: 0.5, 5: 0.4}, 4: {2: 0.35, 6: 0.33, 7: 0.3}, 5: {2: 0.9}})
# 4 then end finishes early (P = 0.15); 5 6 7 end goes on (P = 0.45 * 0.99 ** 3).
EARLY = chain_probabilities(
    V, {1: {4: 0.5, 5: 0.45}, 4: {2: 0.3}, 5: {6: 0.99}, 6: {7: 0.99}, 7: {2: 0.99}}
)


def _search(sampler, probabilities, batch=1, max_length=6, attention=None, mask=None, **kwargs):
    state, memory, all_true = chain_inputs(batch, V, kwargs.pop("source_length", 3))
    mask = all_true if mask is None else mask
    outputs = sampler(
        chain_step(probabilities, attention), state, memory, mask, max_length, **kwargs
    )
    return {name: ops.convert_to_numpy(value) for name, value in outputs.items()}


def _log_p(probabilities, tokens):
    fed = [1, *tokens[:-1]]
    return float(np.sum(np.log(probabilities[fed, tokens])))


def _lp(length, alpha):
    return ((5 + length) / 6) ** alpha


def test_penalties_against_hand_computed_values():
    lp = ops.convert_to_numpy(beam_search.length_normalizer(np.array([0, 1, 3]), 0.6))
    np.testing.assert_allclose(lp, [0.8963781, 1.0, 1.1884017], rtol=1e-6)
    coverage = np.array([[0.5, 1.7, 0.25, 0.9]], "float32")
    mask = np.array([[True, True, True, False]])
    cp = ops.convert_to_numpy(beam_search.coverage_term(coverage, mask, 0.2))
    np.testing.assert_allclose(cp, [0.2 * (np.log(0.5) + np.log(0.25))], rtol=1e-6)


def test_backtrack_follows_parents_through_an_early_finish():
    # Row 0, beam 1 finishes at step 1 ("5 2") and moves on frozen; beam 0 ends "6 7 8 2".
    parents = np.array([[[0, 0], [0, 1]], [[1, 0], [0, 1]], [[0, 1], [1, 0]], [[0, 1], [0, 1]]])
    step_ids = np.array([[[5, 6], [9, 9]], [[7, 2], [4, 5]], [[8, 0], [6, 7]], [[2, 0], [2, 2]]])
    beams = ops.convert_to_numpy(beam_search.backtrack(parents))
    np.testing.assert_array_equal(beams[:, 0].T, [[1, 0, 0, 0], [0, 1, 1, 1]])
    np.testing.assert_array_equal(beams[:, 1].T, [[1, 1, 0, 0], [0, 0, 1, 1]])
    hypotheses = np.take_along_axis(step_ids, beams, axis=2).transpose(1, 2, 0)
    np.testing.assert_array_equal(hypotheses[0], [[6, 7, 8, 2], [5, 2, 0, 0]])
    np.testing.assert_array_equal(hypotheses[1], [[9, 5, 6, 2], [9, 4, 7, 2]])


def test_beam_width_1_equals_greedy():
    for probabilities in (TRAP, EARLY):
        greedy = _search(samplers.Greedy(), probabilities)
        beam = _search(samplers.BeamSearch(1), probabilities)
        np.testing.assert_array_equal(beam["token_ids"], greedy["token_ids"])
        np.testing.assert_array_equal(beam["lengths"], greedy["lengths"])
        np.testing.assert_allclose(beam["scores"], greedy["scores"], rtol=1e-6)


@pytest.mark.parametrize("alpha", [0.0, 0.6])
def test_beam_2_finds_the_sequence_that_greedy_misses(alpha):
    greedy = _search(samplers.Greedy(), TRAP)
    np.testing.assert_array_equal(greedy["token_ids"][0, 0, :3], [4, 2, 0])
    beam = _search(samplers.BeamSearch(2, length_penalty=alpha, n_best=2), TRAP)
    np.testing.assert_array_equal(beam["token_ids"][0], [[5, 2, 0, 0, 0, 0], [4, 2, 0, 0, 0, 0]])
    np.testing.assert_array_equal(beam["lengths"][0], [2, 2])
    # |Y| counts the end token: two tokens each, lp = (7 / 6) ** alpha.
    expected = np.log([0.4 * 0.9, 0.5 * 0.35]) / _lp(2, alpha)
    np.testing.assert_allclose(beam["scores"][0], expected, rtol=1e-5)


def test_a_finished_hypothesis_is_frozen():
    beam = _search(samplers.BeamSearch(2, length_penalty=0.6, n_best=2), EARLY, max_length=8)
    np.testing.assert_array_equal(beam["token_ids"][0, 0], [5, 6, 7, 2, 0, 0, 0, 0])
    np.testing.assert_array_equal(beam["token_ids"][0, 1], [4, 2, 0, 0, 0, 0, 0, 0])
    np.testing.assert_array_equal(beam["lengths"][0], [4, 2])
    expected = [np.log(0.45 * 0.99**3) / _lp(4, 0.6), np.log(0.5 * 0.3) / _lp(2, 0.6)]
    np.testing.assert_allclose(beam["scores"][0], expected, rtol=1e-5)


def test_scores_with_coverage_and_attention_followed_through_the_parents():
    rng = np.random.default_rng(0)
    attention = rng.dirichlet(np.ones(3), size=V).astype("float32")
    mask = np.array([[True, True, False]])  # the last source position is padding
    sampler = samplers.BeamSearch(3, length_penalty=0.6, coverage_penalty=0.3, n_best=3)
    beam = _search(sampler, EARLY, attention=attention, mask=mask, return_attention=True)
    assert beam["attention"].shape == (1, 3, 6, 3)
    assert np.all(np.diff(beam["scores"][0]) <= 0)
    for tokens, length, score, weights in zip(
        beam["token_ids"][0],
        beam["lengths"][0],
        beam["scores"][0],
        beam["attention"][0],
        strict=True,
    ):
        tokens = tokens[:length]
        fed = [1, *tokens[:-1]]
        np.testing.assert_allclose(weights[:length], attention[fed], rtol=1e-6)
        assert np.all(weights[length:] == 0)
        coverage = np.minimum(attention[fed].sum(axis=0)[:2], 1.0)
        expected = _log_p(EARLY, tokens) / _lp(length, 0.6) + 0.3 * np.sum(np.log(coverage))
        assert score == pytest.approx(expected, rel=1e-5)


def test_rows_are_independent_and_an_empty_source_gives_an_empty_output():
    bias = np.zeros((3, V), "float32")
    bias[1, 7] = 5.0  # row 1 prefers 7 everywhere
    bias[2, 6] = 2.0
    state, memory, mask = chain_inputs(3, V, bias=bias)
    mask = np.array([[True] * 3, [True, False, False], [False] * 3])
    sampler = samplers.BeamSearch(3, length_penalty=0.6, n_best=2)
    step = chain_step(EARLY)
    batch = sampler(step, state, memory, mask, 5)
    for row in range(3):
        alone_state, alone_memory, _ = chain_inputs(1, V, bias=bias[row : row + 1])
        alone = sampler(step, alone_state, alone_memory, mask[row : row + 1], 5)
        for name in ("token_ids", "lengths", "scores"):
            np.testing.assert_allclose(
                ops.convert_to_numpy(batch[name])[row],
                ops.convert_to_numpy(alone[name])[0],
                rtol=1e-6,
            )
    assert np.all(ops.convert_to_numpy(batch["token_ids"])[2] == 0)
    np.testing.assert_array_equal(ops.convert_to_numpy(batch["lengths"])[2], [0, 0])
    assert ops.convert_to_numpy(batch["scores"])[2, 0] == 0.0


def test_min_length_applies_to_every_hypothesis():
    beam = _search(samplers.BeamSearch(2, n_best=2), EARLY, max_length=8, min_length=5)
    for tokens in beam["token_ids"][0]:
        assert 2 not in tokens[:5]
    assert np.all(beam["lengths"][0] >= 6)

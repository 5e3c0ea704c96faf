"""Beam search with more beams than possible hypotheses (issue #18).

Every possible hypothesis comes back once, best first, then the surplus entries: length 0, only
padding, a score near -1e9. Never the padding or start token, never a duplicate, and the same on
every backend.
"""

import numpy as np
from conftest import tiny_model

from keras_seq2seq import samplers
from keras_seq2seq.special_ids import END_ID, PAD_ID, START_ID

# PAD, START, END and the tokens 3 and 4. With at most 2 tokens and no end token first
# (`min_length=1`) there are 6 hypotheses, fewer than the 8 beams.
V = 5
HYPOTHESES = {(3, END_ID), (4, END_ID), (3, 3), (3, 4), (4, 3), (4, 4)}
SOURCE = np.array([[3, 4, 4], [4, 3, 0], [0, 0, 0]], "int32")  # the last row is empty
# Computed on TensorFlow, where they match teacher-forced log-probabilities and the returned
# attention to 3e-7; JAX and PyTorch give the same ids and scores within 1e-6.
EXPECTED_IDS = [
    [[4, 3], [3, 3], [3, 2], [3, 4], [4, 2], [4, 4]],
    [[4, 3], [3, 2], [3, 3], [3, 4], [4, 2], [4, 4]],
]
EXPECTED_SCORES = [
    [-2.8062255, -2.8979454, -2.9350011, -2.9527843, -3.1642005, -3.3252807],
    [-2.6277354, -2.6992810, -2.7423596, -2.7730761, -2.9382081, -3.1292982],
]


def test_more_beams_than_hypotheses_gives_each_hypothesis_once_then_empty_entries():
    model = tiny_model(vocabulary_size=V, units=8)
    sampler = samplers.BeamSearch(8, length_penalty=0.6, coverage_penalty=0.2, n_best=8)
    options = {"sampler": sampler, "max_length": 2, "min_length": 1, "return_attention": True}
    model.generate(SOURCE, **options)  # builds the model
    # Weights from numpy rather than each backend's generator, so every backend has this model.
    rng = np.random.default_rng(0)
    model.set_weights([rng.normal(0, 0.5, w.shape).astype("float32") for w in model.get_weights()])
    outputs = model.generate(SOURCE, **options)
    token_ids, lengths, scores = outputs["token_ids"], outputs["lengths"], outputs["scores"]

    count = len(HYPOTHESES)
    for row in range(2):
        valid = token_ids[row, :count]
        assert not np.isin(valid, [PAD_ID, START_ID]).any()
        assert {tuple(ids) for ids in valid} == HYPOTHESES
        np.testing.assert_array_equal(valid, EXPECTED_IDS[row])
        np.testing.assert_array_equal(lengths[row, :count], 2)
        np.testing.assert_allclose(scores[row, :count], EXPECTED_SCORES[row], rtol=1e-5)
    surplus = np.s_[:2, count:]
    np.testing.assert_array_equal(lengths[surplus], 0)
    np.testing.assert_array_equal(token_ids[surplus], PAD_ID)
    assert np.all(scores[surplus] <= -1e8)
    np.testing.assert_array_equal(outputs["attention"][surplus], 0.0)

    # An empty source: every entry is empty, and the first, the one beam live at the start,
    # keeps log P = 0.
    np.testing.assert_array_equal(lengths[2], 0)
    np.testing.assert_array_equal(token_ids[2], PAD_ID)
    assert scores[2, 0] == 0.0
    assert np.all(scores[2, 1:] <= -1e8)

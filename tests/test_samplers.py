"""Sampler objects: argument checks, serialization and lookup."""

import keras
import numpy as np
import pytest
from helpers import assert_config_round_trip, assert_rejected
from keras import ops

from keras_seq2seq import samplers

ALL = [
    samplers.Greedy(),
    samplers.Sampling(temperature=0.7, top_k=5, top_p=0.9, seed=3),
    samplers.BeamSearch(4, length_penalty=0.6, coverage_penalty=0.2, n_best=2),
]


@pytest.mark.parametrize("sampler", ALL, ids=repr)
def test_serialization_round_trip(sampler):
    assert_config_round_trip(sampler)
    assert repr(samplers.get(keras.saving.serialize_keras_object(sampler))) == repr(sampler)
    assert samplers.get(sampler) is sampler


def test_get_by_name_and_default():
    assert isinstance(samplers.get(None), samplers.Greedy)
    assert isinstance(samplers.get("greedy"), samplers.Greedy)
    assert isinstance(samplers.get("sampling"), samplers.Sampling)
    assert samplers.get("beam_search").beam_width == 5
    assert_rejected(lambda: samplers.get("beam"), "sampler='beam'")


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: samplers.BeamSearch(0), "beam_width=0"),
        (lambda: samplers.BeamSearch(2, n_best=3), "n_best=3, beam_width=2"),
        (lambda: samplers.BeamSearch(2, length_penalty=-0.1), "length_penalty=-0.1"),
        (lambda: samplers.BeamSearch(2, coverage_penalty=float("nan")), "coverage_penalty=nan"),
        (lambda: samplers.Sampling(temperature=0.0), "temperature=0.0"),
        (lambda: samplers.Sampling(top_p=0.0), r"top_p=0.0"),
        (lambda: samplers.Sampling(top_p=1.5), r"\(0, 1\]. Received: top_p=1.5"),
        (lambda: samplers.Sampling(top_k=0), "top_k=0"),
        (lambda: samplers.Sampling(seed=1.5), "seed=1.5"),
    ],
)
def test_bad_arguments(make, message):
    assert_rejected(make, message)


def test_sampling_noise_is_reproducible_for_a_seed():
    first = [ops.convert_to_numpy(samplers.Sampling(seed=7).draw_noise(3, 4)) for _ in range(2)]
    np.testing.assert_array_equal(first[0], first[1])
    sampler = samplers.Sampling(seed=7)
    draws = [ops.convert_to_numpy(sampler.draw_noise(3, 4)) for _ in range(2)]
    np.testing.assert_array_equal(draws[0], first[0])
    assert not np.array_equal(draws[0], draws[1])
    assert draws[0].shape == (3, 4) and np.all((draws[0] >= 0) & (draws[0] < 1))
    assert samplers.Greedy().draw_noise(3, 4) is None

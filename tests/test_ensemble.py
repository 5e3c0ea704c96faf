"""`Ensemble`: averaged step distributions, an ensemble of one, saving, and the command line's
ensembles of several saved models."""

import keras
import numpy as np
import pytest
from conftest import tiny_model
from helpers import assert_rejected
from keras import ops

from keras_seq2seq import Ensemble, samplers
from keras_seq2seq.cli import commands
from keras_seq2seq.cli.settings import DecodingSettings
from keras_seq2seq.data.text import RESERVED_TOKENS, TextProcessor
from keras_seq2seq.serving.translator import Translator

SOURCE = np.array([[5, 6, 7, 0], [4, 5, 6, 7], [9, 0, 0, 0]], "int32")


def _numpy(x):
    return ops.convert_to_numpy(x)


@pytest.mark.parametrize(
    "sampler", [samplers.Greedy(), samplers.BeamSearch(3, length_penalty=0.6)], ids=repr
)
def test_an_ensemble_of_one_decodes_like_its_model(sampler):
    model = tiny_model()
    single = model.generate(SOURCE, sampler=sampler, max_length=6, return_attention=True)
    ensemble = Ensemble([model]).generate(
        SOURCE, sampler=sampler, max_length=6, return_attention=True
    )
    np.testing.assert_array_equal(ensemble["token_ids"], single["token_ids"])
    np.testing.assert_allclose(ensemble["scores"], single["scores"], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(ensemble["attention"], single["attention"], atol=1e-6)


def test_the_step_averages_the_members_probabilities():
    first, second = tiny_model(seed=0), tiny_model(attention=None, seed=1)
    ensemble = Ensemble([first, second])
    step, states, memories, _ = ensemble.search_inputs(SOURCE)
    tokens = np.array([1, 1, 1], "int32")
    mixed, _, weights = step(tokens, states, memories)
    probabilities = [
        _numpy(ops.softmax(model.decoder.step(tokens, state, memory)[0]))
        for model, state, memory in zip((first, second), states, memories, strict=True)
    ]
    expected = np.log((probabilities[0] + probabilities[1]) / 2)
    np.testing.assert_allclose(_numpy(mixed), expected, rtol=1e-5, atol=1e-6)
    assert weights is None and not ensemble.has_attention  # the second member has none
    outputs = ensemble.generate(SOURCE, samplers.BeamSearch(2), max_length=5)
    assert outputs["token_ids"].shape == (3, 1, 5)


def test_bad_members():
    assert_rejected(lambda: Ensemble([]), "non-empty list")
    assert_rejected(lambda: Ensemble([tiny_model(), "model"]), r"models\[1\]")
    assert_rejected(
        lambda: Ensemble([tiny_model(), tiny_model(vocabulary_size=30)]),
        r"source_vocabulary_size \[20, 30\]",
    )


def _translator(model, words=16):
    vocabulary = [*RESERVED_TOKENS, *(f"w{index}" for index in range(words))]
    processor = TextProcessor("word", 40, vocabulary=vocabulary)
    return Translator(processor, processor, model, sampler=samplers.BeamSearch(2), max_length=5)


def test_a_translator_over_an_ensemble_saves_and_loads(tmp_path):
    translator = _translator(Ensemble([tiny_model(seed=0), tiny_model(seed=1)]))
    texts = ["w1 w2 w3", "w4", ""]
    translations = translator.translate(texts)
    translator.save(tmp_path / "ensemble.keras", include_optimizer=False)
    loaded = Translator.load(tmp_path / "ensemble.keras")
    assert isinstance(loaded.model, Ensemble) and len(loaded.model.models) == 2
    assert loaded.translate(texts) == translations


def test_the_command_line_ensembles_models_with_one_vocabulary(tmp_path):
    paths = [str(tmp_path / f"{name}.keras") for name in ("a", "b", "other")]
    keras.utils.set_random_seed(0)
    for path, translator in zip(
        paths,
        [_translator(tiny_model(seed=0)), _translator(tiny_model(seed=1)),
         _translator(tiny_model(vocabulary_size=21), words=17)],
        strict=True,
    ):  # fmt: skip
        translator.save(path)
    decoding = DecodingSettings(beam_width=None)
    single = commands.load_translator(paths[0], decoding)
    ensemble = commands.load_translator(paths[:2], decoding)
    assert isinstance(ensemble.model, Ensemble) and repr(ensemble.sampler) == repr(single.sampler)
    twice = commands.load_translator([paths[0], paths[0]], decoding)
    texts = ["w1 w2 w3", "w4 w5"]
    assert twice.translate(texts) == single.translate(texts)  # two equal members: one model
    assert_rejected(
        lambda: commands.load_translator([paths[0], paths[2]], decoding), "one vocabulary per side"
    )

"""`Translator`: strings in, strings out; n-best, attention, bad input, save and load."""

import numpy as np
import pytest
from helpers import assert_rejected

from keras_seq2seq import datasets, samplers
from keras_seq2seq.data.text import TextProcessor
from keras_seq2seq.serving.translator import Translator

HELD_OUT = datasets.spelled_digits(200, seed=7)


def test_translates_held_out_pairs(trained_translator):
    outputs = trained_translator.translate([s for s, _ in HELD_OUT])
    assert all(isinstance(text, str) for text in outputs)
    accuracy = np.mean([o == t for o, (_, t) in zip(outputs, HELD_OUT, strict=True)])
    assert accuracy >= 0.9, accuracy


def test_batching_does_not_change_outputs(trained_translator):
    texts = [s for s, _ in HELD_OUT[:11]]
    assert trained_translator.translate(texts, batch_size=4) == trained_translator.translate(texts)
    assert trained_translator.translate([]) == []


def test_n_best_lists_are_sorted_with_scores(trained_translator):
    beam = Translator(
        trained_translator.source_processor,
        trained_translator.target_processor,
        trained_translator.model,
        sampler=samplers.BeamSearch(4, n_best=3),
        max_length=14,
    )
    texts = [s for s, _ in HELD_OUT[:5]]
    n_best = beam.translate_n_best(texts)
    assert len(n_best) == 5 and all(len(row) == 3 for row in n_best)
    for row, best in zip(n_best, beam.translate(texts), strict=True):
        scores = [score for _, score in row]
        assert scores == sorted(scores, reverse=True) and row[0][0] == best
        assert len({text for text, _ in row}) == 3


def test_bad_input_never_crashes(trained_translator):
    texts = ["", "   \t ", "١٢٣ Ж 🙂", "1234567890" * 20]
    empty, blank, unseen, long = trained_translator.translate(texts)
    assert empty == "" and blank == ""
    assert isinstance(unseen, str)
    # Long sources are cut to max_source_length (12) tokens; outputs to max_length (14).
    assert len(long.split()) <= 14
    assert_rejected(lambda: trained_translator.translate("123"), "list of strings")
    assert trained_translator.translate([b"123"]) == trained_translator.translate(["123"])
    assert_rejected(
        lambda: trained_translator.translate([123]), "must hold strings. Received an item 123"
    )


def test_attention_for_plotting(trained_translator):
    result = trained_translator.attention("4071")
    assert result["source_tokens"] == ["4", "0", "7", "1"]
    assert result["target_tokens"] == ["four", "zero", "seven", "one", "[END]"]
    assert result["translation"] == "four zero seven one"
    weights = result["weights"]
    assert weights.shape == (5, 4)
    np.testing.assert_allclose(weights.sum(axis=1), 1.0, rtol=1e-5)


@pytest.mark.parametrize("name", ["translator.keras", "translator_dir"])
def test_save_and_load_round_trip(tmp_path, trained_translator, name):
    path = tmp_path / name
    trained_translator.save(path)
    loaded = Translator.load(path)
    assert loaded.source_processor.vocabulary == trained_translator.source_processor.vocabulary
    assert loaded.target_processor.vocabulary == trained_translator.target_processor.vocabulary
    assert (loaded.max_source_length, loaded.max_length) == (12, 14)
    assert repr(loaded.sampler) == repr(trained_translator.sampler)
    texts = [s for s, _ in HELD_OUT[:20]]
    assert loaded.translate(texts) == trained_translator.translate(texts)


def test_save_without_optimizer_is_smaller_and_translates_the_same(tmp_path, trained_translator):
    trained_translator.save(tmp_path / "full.keras")
    trained_translator.save(tmp_path / "inference.keras", include_optimizer=False)
    full, small = (tmp_path / "full.keras").stat().st_size, (tmp_path / "inference.keras")
    assert small.stat().st_size < 0.6 * full
    loaded = Translator.load(small)
    assert getattr(loaded.model, "optimizer", None) is None
    texts = [s for s, _ in HELD_OUT[:20]]
    assert loaded.translate(texts) == trained_translator.translate(texts)


def test_save_refuses_a_non_empty_directory(tmp_path, trained_translator):
    (tmp_path / "keep.txt").write_text("mine")
    with pytest.raises(FileExistsError, match="non-empty"):
        trained_translator.save(tmp_path)
    assert (tmp_path / "keep.txt").read_text() == "mine"
    with pytest.raises(FileNotFoundError, match="nothing_here"):
        Translator.load(tmp_path / "nothing_here.keras")


def test_bad_arguments(trained_translator):
    source = trained_translator.source_processor
    target = trained_translator.target_processor
    model = trained_translator.model
    assert_rejected(lambda: Translator("chars", target, model), "source_processor")
    assert_rejected(lambda: Translator(source, target, object()), "model")
    assert_rejected(lambda: Translator(source, target, model, max_length=0), "max_length")
    assert_rejected(lambda: Translator(source, target, model, sampler="nucleus"), "sampler")
    other = TextProcessor("word", max_vocabulary_size=10)
    other.adapt(["a b c"])
    assert_rejected(lambda: Translator(source, other, model), "target_processor` has 7 tokens")

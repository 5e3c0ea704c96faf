"""Bad input gets a clear error naming the argument or path and the bad value, on every backend."""

import os
import re
import zipfile

import numpy as np
import pytest
import tensorflow as tf
from conftest import random_batch
from helpers import assert_rejected

from keras_seq2seq import samplers
from keras_seq2seq.data import pipeline
from keras_seq2seq.data.text import TextProcessor
from keras_seq2seq.layers import Decoder, Encoder
from keras_seq2seq.model import Seq2Seq
from keras_seq2seq.serving.translator import Translator

DIGITS = "0123456789"
WORDS = "zero one two three four five six seven eight nine"
# Both processors have 14 tokens: 4 reserved and 10 digits or words.
VOCABULARY_SIZE = 14


@pytest.fixture(scope="module")
def translator():
    """An untrained Translator whose model also serves the `fit` and `generate` cases."""
    source = TextProcessor("character", max_vocabulary_size=20, name="source_processor")
    source.adapt([DIGITS])
    target = TextProcessor("word", max_vocabulary_size=20, name="target_processor")
    target.adapt([WORDS])
    model = Seq2Seq(
        Encoder(VOCABULARY_SIZE, 8, 8), Decoder(VOCABULARY_SIZE, 8, 8, attention="luong"), seed=0
    )
    model.compile(optimizer="adam")
    return Translator(source, target, model, max_source_length=8, max_length=4)


@pytest.fixture(scope="module")
def saved(translator, tmp_path_factory):
    path = tmp_path_factory.mktemp("saved") / "translator.keras"
    translator.save(path, include_optimizer=False)
    return path


def _batch():
    return random_batch(batch=4, vocabulary_size=VOCABULARY_SIZE)


def _dataset(batches):
    spec = tf.TensorSpec([None, None], tf.int32)
    return tf.data.Dataset.from_generator(
        lambda: iter(batches), output_signature=((spec, spec), spec)
    )


def _with_bad_id(name, bad_id):
    (source, decoder_inputs), labels = _batch()
    ids = {"source_ids": source, "decoder_input_ids": decoder_inputs, "labels": labels.copy()}
    ids[name][1, 0] = bad_id
    return (ids["source_ids"], ids["decoder_input_ids"]), ids["labels"]


def _bad_id_message(name, bad_id):
    return re.escape(
        f"`x` holds {name} id {bad_id}, outside the vocabulary of size {VOCABULARY_SIZE} "
        "(in a batch of the dataset); the data and the vocabulary_size of the model do not match."
    )


@pytest.mark.parametrize("name, bad_id", [("source_ids", 99), ("labels", -1)])
def test_fit_rejects_a_dataset_with_an_id_outside_the_vocabulary(translator, name, bad_id):
    dataset = _dataset([_with_bad_id(name, bad_id)])
    assert_rejected(lambda: translator.model.fit(dataset, verbose=0), _bad_id_message(name, bad_id))


def test_every_batch_of_a_dataset_is_checked():
    dataset = _dataset([_batch(), _batch(), _with_bad_id("decoder_input_ids", VOCABULARY_SIZE)])
    checked = pipeline.check_dataset_ids(dataset, VOCABULARY_SIZE, VOCABULARY_SIZE)
    read = []

    def read_all():
        with pipeline.dataset_id_errors():
            read.extend(checked)

    assert_rejected(read_all, _bad_id_message("decoder_input_ids", VOCABULARY_SIZE))
    assert len(read) == 2


def test_fit_on_empty_arrays(translator):
    (source, decoder_inputs), labels = _batch()
    assert_rejected(
        lambda: translator.model.fit((source[:0], decoder_inputs[:0]), labels[:0], verbose=0),
        r"`x` must hold at least one example. Received: x with source_ids of shape \(0, 7\)",
    )


def test_fit_without_labels(translator):
    x, _ = _batch()
    assert_rejected(
        lambda: translator.model.fit(x, verbose=0), r"`y` \(the labels\) must be given.*y=None"
    )


@pytest.mark.parametrize("sampler", [samplers.Greedy(), samplers.BeamSearch(2, n_best=2)], ids=repr)
def test_generate_on_an_empty_batch_gives_empty_outputs(translator, sampler):
    outputs = translator.model.generate(
        np.zeros((0, 5), "int32"), sampler=sampler, max_length=3, return_attention=True
    )
    n_best = getattr(sampler, "n_best", 1)
    shapes = {name: (value.shape, value.dtype.name) for name, value in outputs.items()}
    assert shapes == {
        "token_ids": ((0, n_best, 3), "int32"),
        "lengths": ((0, n_best), "int32"),
        "scores": ((0, n_best), "float32"),
        "attention": ((0, n_best, 3, 5), "float32"),
    }


@pytest.mark.parametrize("name", ["max_source_length", "max_length"])
def test_assigning_a_bad_limit_raises_and_keeps_the_old_one(translator, name):
    before = getattr(translator, name)
    assert_rejected(lambda: setattr(translator, name, 0), f"`{name}` must be a positive int.*=0")
    assert getattr(translator, name) == before


@pytest.mark.parametrize("texts", [None, 5], ids=repr)
def test_translate_needs_a_list(translator, texts):
    assert_rejected(
        lambda: translator.translate(texts),
        re.escape(f"`texts` must be a list of strings. Received: texts={texts!r}"),
    )


def test_translate_names_a_lone_surrogate(translator):
    assert_rejected(
        lambda: translator.translate(["12", "34\ud8005"]),
        re.escape("`texts[1]` holds the lone surrogate '\\ud800' at position 2"),
    )


@pytest.mark.parametrize("kind", ["empty", "random", "truncated", "directory"])
def test_load_names_a_path_that_holds_no_translator(saved, tmp_path, kind):
    path = tmp_path / "broken.keras"
    if kind == "directory":
        path.mkdir()
        message = "is a directory without a saved Translator"
    else:
        data = {
            "empty": b"",
            "random": os.urandom(2000),
            "truncated": saved.read_bytes()[:-2000],
        }[kind]
        path.write_bytes(data)
        message = rf"is not a `.keras` zip archive \({len(data)} bytes\)"
    assert_rejected(lambda: Translator.load(path), f"{re.escape(repr(str(path)))} {message}")


def _without(saved, tmp_path, dropped):
    path = tmp_path / "incomplete.keras"
    with zipfile.ZipFile(saved) as complete, zipfile.ZipFile(path, "w") as incomplete:
        for name in complete.namelist():
            if not any(name.startswith(f"assets/{d}/") for d in dropped):
                incomplete.writestr(name, complete.read(name))
    return path


def test_load_names_a_missing_vocabulary(saved, tmp_path):
    one = _without(saved, tmp_path, ["source_processor"])
    assert_rejected(
        lambda: Translator.load(one),
        "TextProcessor 'source_processor': the saved file has no vocabulary asset",
    )
    both = _without(saved, tmp_path, ["source_processor", "target_processor"])
    assert_rejected(
        lambda: Translator.load(both),
        "holds no vocabulary for source_processor, target_processor",
    )


def test_load_names_a_garbled_config(saved, tmp_path):
    path = tmp_path / "garbled.keras"
    with zipfile.ZipFile(saved) as complete, zipfile.ZipFile(path, "w") as garbled:
        for name in complete.namelist():
            garbled.writestr(
                name, b'{"class_name": "Transl' if name == "config.json" else complete.read(name)
            )
    assert_rejected(
        lambda: Translator.load(path),
        f"{re.escape(repr(str(path)))} could not be loaded as a Translator",
    )


def test_a_latin1_tsv_warns_with_the_line_numbers(tmp_path):
    path = tmp_path / "latin1.tsv"
    lines = [f"{DIGITS[i % 10]}\tcafé {i}" for i in range(7)]
    latin1 = "".join(f"{line}\n" for line in ["1\tone", *lines]).encode("latin-1")
    # A real U+FFFD, valid UTF-8, is not counted.
    path.write_bytes(latin1 + "2\ttwo \ufffd\n".encode())
    with pytest.warns(UserWarning, match=r"latin1.tsv: 7 lines are not valid UTF-8 \(lines 2, 3"):
        pairs = pipeline.read_tsv(path)
    assert pairs[1] == ("0", "caf\ufffd 0")
    assert len(pairs) == 9


def test_a_utf8_tsv_with_a_replacement_character_does_not_warn(tmp_path, recwarn):
    path = tmp_path / "utf8.tsv"
    path.write_text("1\tone \ufffd\n", encoding="utf-8")
    assert pipeline.read_tsv(path) == [("1", "one \ufffd")]
    assert not recwarn.list


def test_an_empty_tsv_is_named(translator, tmp_path):
    path = tmp_path / "empty.tsv"
    path.write_text("\n")
    assert_rejected(
        lambda: pipeline.text_pairs_dataset(
            path, translator.source_processor, translator.target_processor
        ),
        re.escape(f"`pairs` (the TSV file {str(path)!r}) holds no pairs to train on."),
    )

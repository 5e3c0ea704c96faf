"""The sentencepiece level of `TextProcessor` and the training behind it."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from helpers import assert_rejected

from keras_seq2seq.data import sentencepiece
from keras_seq2seq.data.text import RESERVED_TOKENS, TextProcessor

CORPUS = [
    "Could not open the file %s.",
    "Datei %s konnte nicht geöffnet werden.",
    "%.*s of %d bytes read from {0}",
    "%.*s von %d Bytes aus {0} gelesen",
    "Argument %1$s is not valid for %2$s",
    "Argument %1$s ist für %2$s nicht gültig",
] * 4
MIXED = ["Ünïcödé — 日本語 🙂🎉 Привет", "a\u2581b", "100% sure", "x%sy{0}z"]


def _decode(strings):
    return [s.decode("utf-8") for s in np.asarray(strings).ravel()]


@pytest.fixture(scope="module")
def processor():
    processor = TextProcessor("sentencepiece", max_vocabulary_size=400)
    processor.adapt(CORPUS)
    return processor


def test_placeholders_are_found_by_frequency():
    texts = ["%s and %s", "%-10lu %s", "{name} {0} {0} %.*s %.*s", "100% sure, 5 % less", "%%"]
    assert sentencepiece.placeholders(texts) == ["%s", "%.*s", "{0}"]


def test_placeholders_are_single_pieces_and_round_trip(processor):
    for placeholder in ("%s", "%.*s", "%1$s", "%2$s", "{0}", "%d"):
        assert placeholder in processor.vocabulary
        tokens = _decode(processor.ids_to_tokens(processor.tokenize([f"a{placeholder}b"])).values)
        assert placeholder in tokens, (placeholder, tokens)
    assert _decode(processor.detokenize(processor.tokenize(CORPUS))) == CORPUS


def test_unseen_characters_are_spelled_as_bytes_not_unknown(processor):
    ids = processor.tokenize(MIXED)
    assert 3 not in ids.flat_values.numpy()
    expected = [MIXED[0], "a b", *MIXED[2:]]  # U+2581 is SentencePiece's space
    assert _decode(processor.normalize(MIXED)) == expected
    assert _decode(processor.detokenize(ids)) == expected
    assert _decode(processor.ids_to_tokens([[processor.vocabulary.index("%s")]]).values) == ["%s"]


def test_reserved_tokens_come_first_and_the_model_is_shared(processor):
    assert tuple(processor.vocabulary[:4]) == RESERVED_TOKENS
    assert processor.vocabulary_size <= 400
    model = processor.vocabulary_data()
    assert isinstance(model, bytes)
    other = TextProcessor("sentencepiece", 400, vocabulary=model)
    assert other.vocabulary == processor.vocabulary
    assert other.tokenize(MIXED).to_list() == processor.tokenize(MIXED).to_list()


def test_works_inside_tf_data(processor):
    dataset = tf.data.Dataset.from_tensor_slices(MIXED).map(processor.tokenize)
    assert [row.numpy().tolist() for row in dataset] == processor.tokenize(MIXED).to_list()


def test_the_model_is_an_asset_that_survives_save_and_load(tmp_path, processor):
    path = str(tmp_path / "processor.keras")
    keras.saving.save_model(processor, path)
    loaded = keras.saving.load_model(path)
    assert loaded.vocabulary_data() == processor.vocabulary_data()
    assert loaded.tokenize(MIXED).to_list() == processor.tokenize(MIXED).to_list()


def test_bad_vocabularies_and_sizes():
    assert_rejected(
        lambda: TextProcessor("sentencepiece", 100).adapt(CORPUS),
        "max_vocabulary_size=100",
    )
    assert_rejected(
        lambda: TextProcessor("sentencepiece", vocabulary=[*RESERVED_TOKENS, "a"]),
        "Received: list",
    )
    assert_rejected(lambda: TextProcessor("word", vocabulary=b"model"), "level='word'")

"""`TextProcessor`: normalization, four tokenization levels, ids back to text, saving.

The sentencepiece level's own behaviour (byte fallback, placeholders) is in
`test_sentencepiece.py`."""

import json
import zipfile

import keras
import numpy as np
import pytest
import tensorflow as tf
from helpers import assert_rejected

from keras_seq2seq.data.text import JOINER, RESERVED_TOKENS, TextProcessor

MIXED = [
    "Hello, world! It's 3.5% (roughly).",
    'Could not open "%s": %.*s failed',
    "Grüße aus Köln — ça va? 🙂🎉",
    "日本語のテキストです。Привет, мир!",
    "«Ελληνικά» [x] {y} a/b a-b ##tag",
]
LEVELS = ["character", "word", "subword", "sentencepiece"]
# The levels that map characters outside the vocabulary to the unknown token (sentencepiece
# spells them as bytes) and take a vocabulary of any size.
LISTED_LEVELS = LEVELS[:3]


def _adapted(level, texts=MIXED, **kwargs):
    processor = TextProcessor(level, max_vocabulary_size=kwargs.pop("size", 500), **kwargs)
    processor.adapt(texts)
    return processor


def _decode(strings):
    return [s.decode("utf-8") for s in np.asarray(strings).ravel()]


@pytest.mark.parametrize("level", LEVELS)
def test_round_trip_restores_text_and_spacing(level):
    processor = _adapted(level)
    ids = processor.tokenize(MIXED)
    assert ids.dtype == tf.int32 and ids.shape[0] == len(MIXED)
    assert int(tf.reduce_min(ids.flat_values)) >= len(RESERVED_TOKENS)  # nothing unknown
    assert _decode(processor.detokenize(ids)) == MIXED


@pytest.mark.parametrize("level", LEVELS)
def test_dense_padded_ids_with_start_and_end_detokenize(level):
    processor = _adapted(level)
    ids = processor.tokenize(MIXED[:2]).to_tensor()
    rows = ids.shape[0]
    with_markers = np.concatenate(
        [np.ones((rows, 1), "int32"), ids.numpy(), np.full((rows, 1), 2), np.full((rows, 3), 9)],
        axis=1,
    )
    # Start and padding are dropped; everything after the end token (here id 9) is ignored.
    assert _decode(processor.detokenize(with_markers)) == MIXED[:2]


def test_word_level_splits_scripts_and_marks_glued_tokens():
    processor = _adapted("word")
    tokens = processor.ids_to_tokens(processor.tokenize(["world! %.*s 日本語です。"]))
    assert _decode(tokens.flat_values) == [
        "world",
        JOINER + "!",
        "%.*",
        JOINER + "s",
        "日本語",
        JOINER + "です",
        JOINER + "。",
    ]


def test_character_level_keeps_spaces_as_tokens():
    processor = _adapted("character")
    tokens = _decode(processor.ids_to_tokens(processor.tokenize(["a b"])).flat_values)
    assert tokens == ["a", " ", "b"]


def test_normalization_case_folding_and_whitespace():
    processor = TextProcessor("word", case_fold=True)
    texts = ["  Straße\u00a0\u2028\uff21\uff22\uff23  \ufb01ne\t\n", "CAFÉ"]
    assert _decode(processor.normalize(texts)) == ["strasse abc fine", "café"]
    assert _decode(TextProcessor("word").normalize(["\uff21 \ufb01"])) == ["A fi"]
    assert _decode(TextProcessor("word", normalization=None).normalize(["\uff21"])) == ["\uff21"]


def test_invalid_utf8_becomes_replacement_character():
    processor = _adapted("character")
    normalized = processor.normalize(tf.constant([b"ab\xff\xfec"]))
    assert _decode(normalized) == ["ab\ufffd\ufffdc"]
    assert processor.tokenize(tf.constant([b"ab\xffc"])).shape[0] == 1


@pytest.mark.parametrize("level", LISTED_LEVELS)
def test_unseen_characters_become_unknown(level):
    processor = _adapted(level)
    ids = processor.tokenize(["Ж⌘"]).flat_values.numpy()
    assert len(ids) > 0 and np.all(ids == 3)


@pytest.mark.parametrize("level", LEVELS)
def test_ids_outside_the_vocabulary_detokenize_as_unknown(level):
    processor = _adapted(level)
    assert processor.detokenize([[999, -1]]).numpy()[0].count(b"[UNK]") == 2


@pytest.mark.parametrize("level", LEVELS)
def test_empty_and_whitespace_texts(level):
    processor = _adapted(level)
    ids = processor.tokenize(["", "   \t"])
    assert ids.row_lengths().numpy().tolist() == [0, 0]
    assert _decode(processor.detokenize(ids)) == ["", ""]


@pytest.mark.parametrize("level", LISTED_LEVELS)
def test_vocabulary_size_limit_and_reserved_tokens(level):
    processor = _adapted(level, size=30)
    vocabulary = processor.vocabulary
    assert len(vocabulary) <= 30 and processor.vocabulary_size == len(vocabulary)
    assert tuple(vocabulary[:4]) == RESERVED_TOKENS
    assert len(set(vocabulary)) == len(vocabulary)


def test_word_vocabulary_is_ranked_by_frequency_then_text():
    processor = TextProcessor("word", max_vocabulary_size=7)
    processor.adapt(["b a", "a c", "c d", "a"])
    assert processor.vocabulary[4:] == ["a", "c", "b"]


def test_subword_level_splits_unseen_words_into_pieces():
    processor = _adapted("subword", texts=["unhappy", "happy", "unlikely", "likely"] * 5, size=40)
    tokens = _decode(processor.ids_to_tokens(processor.tokenize(["unhappily"])).flat_values)
    assert len(tokens) > 1 and all(t.startswith(JOINER) for t in tokens[1:])


def test_works_inside_tf_data_on_any_backend():
    processor = _adapted("word")
    dataset = tf.data.Dataset.from_tensor_slices(MIXED).map(processor.tokenize)
    rows = [row.numpy() for row in dataset]
    expected = processor.tokenize(MIXED).to_list()
    assert [row.tolist() for row in rows] == expected
    adapted_from_dataset = TextProcessor("word", max_vocabulary_size=500)
    adapted_from_dataset.adapt(tf.data.Dataset.from_tensor_slices(MIXED))
    assert adapted_from_dataset.vocabulary == processor.vocabulary


@pytest.mark.parametrize("level", LEVELS)
def test_vocabulary_is_an_asset_that_survives_save_and_load(tmp_path, level):
    processor = _adapted(level, case_fold=True)
    path = str(tmp_path / "processor.keras")
    keras.saving.save_model(processor, path)
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        config = json.loads(archive.read("config.json"))
    assert any(name.endswith("vocabulary.json") for name in names)
    assert any(name.endswith("sentencepiece.model") for name in names) == (level == "sentencepiece")
    assert "vocabulary" not in config["config"] and "Hello" not in json.dumps(config)
    loaded = keras.saving.load_model(path)
    assert isinstance(loaded, TextProcessor)
    assert loaded.vocabulary == processor.vocabulary and loaded.case_fold
    assert loaded.tokenize(MIXED).to_list() == processor.tokenize(MIXED).to_list()


def test_vocabulary_argument_round_trip():
    processor = _adapted("word")
    copy = TextProcessor("word", vocabulary=processor.vocabulary)
    assert copy.tokenize(MIXED).to_list() == processor.tokenize(MIXED).to_list()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"level": "bpe"}, "level"),
        ({"max_vocabulary_size": 4}, "max_vocabulary_size=4"),
        ({"max_vocabulary_size": 0}, "max_vocabulary_size"),
        ({"normalization": "NFD"}, "normalization"),
        ({"case_fold": "yes"}, "case_fold='yes'"),
        ({"vocabulary": ["a", "b"]}, "reserved tokens"),
        ({"vocabulary": [*RESERVED_TOKENS, "a", "a"]}, "duplicate"),
        ({"vocabulary": [*RESERVED_TOKENS, "a"], "max_vocabulary_size": 4}, "max_vocabulary"),
    ],
)
def test_bad_arguments(kwargs, message):
    assert_rejected(lambda: TextProcessor(**kwargs), message)


def test_adapt_rejects_a_single_string_and_no_text():
    assert_rejected(lambda: TextProcessor("word").adapt("some text"), "not one string")
    for level in LEVELS:
        assert_rejected(lambda level=level: TextProcessor(level).adapt(["", "  "]), "no tokens")
    assert_rejected(lambda: TextProcessor("word").adapt(["a"], batch_size=0), "batch_size")


def test_joiner_in_the_text_is_removed_whatever_the_normalization():
    processor = TextProcessor("word", normalization=None)
    processor.adapt(["a ! b"])
    text = f"a {JOINER}! b"
    assert _decode(processor.normalize([text])) == ["a ! b"]
    assert _decode(processor.detokenize(processor.tokenize([text]))) == ["a ! b"]


def test_detokenize_takes_int64_tensors():
    processor = _adapted("word")
    ids = tf.cast(processor.tokenize(MIXED[:1]).to_tensor(), tf.int64)
    assert _decode(processor.detokenize(ids)) == MIXED[:1]


def test_tokenize_before_adapt_raises():
    assert_rejected(lambda: TextProcessor("word", name="source").tokenize(["a"]), "no vocabulary")


def test_config_round_trip():
    processor = TextProcessor("subword", max_vocabulary_size=123, normalization="NFC")
    copy = TextProcessor.from_config(processor.get_config())
    assert (copy.level, copy.max_vocabulary_size, copy.normalization) == ("subword", 123, "NFC")

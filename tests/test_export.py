"""`Translator.export`: a SavedModel that serves strings without this package."""

import json
import subprocess
import sys
import textwrap

import keras
import pytest
from helpers import assert_rejected

from keras_seq2seq import Seq2Seq, samplers
from keras_seq2seq.data.text import RESERVED_TOKENS, TextProcessor
from keras_seq2seq.layers import Decoder, Encoder
from keras_seq2seq.serving.translator import Translator

TEXTS = ["123", "4071", "", "  ", "99 1", "١٢ Ж", "5" * 40]

# Runs in a fresh interpreter that imports only tensorflow and tensorflow_text.
SERVE = textwrap.dedent(
    """
    import json, random, sys
    import numpy as np
    import tensorflow as tf
    import tensorflow_text  # noqa: F401  (registers the text ops)
    serve = tf.saved_model.load(sys.argv[1]).signatures["serving_default"]
    texts = json.loads(sys.argv[2])
    out = serve(tf.constant(texts))
    bad = serve(tf.constant([b"12\\xff\\xfe3", b""]))["translations"].numpy()
    def rank_error(texts):
        try:
            serve(texts)
        except tf.errors.InvalidArgumentError as error:
            return error.message
        return "served"
    rank_errors = [rank_error(tf.constant([["1", "2"]])), rank_error(tf.constant("1"))]
    # A bounded, seeded fuzz: random bytes and random code points (no surrogates), 300 texts.
    rng = random.Random(0)
    fuzz = [bytes(rng.randrange(256) for _ in range(rng.randrange(48))) for _ in range(150)]
    fuzz += ["".join(chr(rng.choice([rng.randrange(1, 0xD800), rng.randrange(0xE000, 0x110000)]))
                     for _ in range(rng.randrange(48))).encode("utf-8") for _ in range(150)]
    fuzzed = serve(tf.constant(fuzz))
    fuzz_translations = [t.decode("utf-8") for t in fuzzed["translations"].numpy()]
    print(json.dumps({
        "translations": [t.decode("utf-8") for t in out["translations"].numpy()],
        "scores": out["scores"].numpy().tolist(),
        "invalid_utf8": [t.decode("utf-8") for t in bad],
        "rank_errors": rank_errors,
        "fuzz": [len(fuzz_translations), bool(np.isfinite(fuzzed["scores"].numpy()).all())],
        "inputs": {k: [v.dtype.name, v.shape.as_list()] for k, v in
                   serve.structured_input_signature[1].items()},
        "package_imported": any(m.startswith("keras_seq2seq") for m in sys.modules),
    }))
    """
)


def _serve(path, texts):
    result = subprocess.run(
        [sys.executable, "-c", SERVE, str(path), json.dumps(texts)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("sampler", [samplers.Greedy(), samplers.BeamSearch(3, 0.6)], ids=repr)
def test_exported_model_serves_the_same_translations(tmp_path, trained_translator, sampler):
    translator = Translator(
        trained_translator.source_processor,
        trained_translator.target_processor,
        trained_translator.model,
        sampler=sampler,
        max_source_length=12,
        max_length=14,
    )
    translator.export(tmp_path / "serving")
    served = _serve(tmp_path / "serving", TEXTS)
    assert served["translations"] == translator.translate(TEXTS)
    expected = [row[0][1] for row in translator.translate_n_best(TEXTS)]
    assert served["scores"] == pytest.approx(expected, abs=1e-4)
    assert served["inputs"] == {"texts": ["string", [None]]}
    assert served["invalid_utf8"][1] == "" and isinstance(served["invalid_utf8"][0], str)
    # The signature's spec is (None,), which a loaded signature does not enforce on its own.
    two_d, scalar = served["rank_errors"]
    assert "Shape of tensor texts [1,2] is not compatible with expected shape [?]" in two_d
    assert "Shape of tensor texts [] is not compatible with expected shape [?]" in scalar
    assert served["fuzz"] == [300, True]  # every text served, as valid UTF-8, finite scores
    assert not served["package_imported"]


def test_a_copy_attention_sentencepiece_translator_saves_exports_and_serves_the_same(tmp_path):
    # One SentencePiece model for both sides, as copy attention needs; served by a process
    # that imports only tensorflow and tensorflow_text.
    source = TextProcessor("sentencepiece", 400, name="source")
    source.adapt(["open the file %s", "Datei %s öffnen", "x1 {0} y2", "{0} lesen"] * 3)
    target = TextProcessor("sentencepiece", 400, vocabulary=source.vocabulary_data(),
                           name="target")  # fmt: skip
    keras.utils.set_random_seed(0)
    size = source.vocabulary_size
    model = Seq2Seq(Encoder(size, 8, 16), Decoder(size, 8, 16, attention="luong",
                                                  copy_attention=True))  # fmt: skip
    translator = Translator(source, target, model, sampler=samplers.BeamSearch(2),
                            max_source_length=12, max_length=6)  # fmt: skip
    texts = ["open the file %s", "x1 {0} ünseen 🙂", ""]
    translations = translator.translate(texts)
    translator.save(tmp_path / "copy.keras")
    assert Translator.load(tmp_path / "copy.keras").translate(texts) == translations
    translator.export(tmp_path / "serving")
    served = _serve(tmp_path / "serving", texts)
    assert served["translations"] == translations and not served["package_imported"]
    words = [f"w{index}" for index in range(size - len(RESERVED_TOKENS))]
    other = TextProcessor("word", size, vocabulary=[*RESERVED_TOKENS, *words])  # same size
    assert_rejected(lambda: Translator(source, other, model), "one vocabulary shared")


def test_sampling_cannot_be_exported(tmp_path, trained_translator):
    translator = Translator(
        trained_translator.source_processor,
        trained_translator.target_processor,
        trained_translator.model,
        sampler=samplers.Sampling(seed=0),
    )
    assert_rejected(lambda: translator.export(tmp_path / "serving"), "deterministic samplers")


def test_export_refuses_an_existing_path(tmp_path, trained_translator):
    (tmp_path / "serving").mkdir()
    (tmp_path / "serving" / "keep.txt").write_text("mine")
    with pytest.raises(FileExistsError, match="serving"):
        trained_translator.export(tmp_path / "serving")
    assert (tmp_path / "serving" / "keep.txt").read_text() == "mine"


def test_rnn_layers_are_tracedwithout_cudnn_and_restored(trained_translator):
    from keras_seq2seq.serving.export import without_cudnn

    model = trained_translator.model
    layers = [layer for layer in model._flatten_layers() if hasattr(layer, "use_cudnn")]
    assert layers  # the encoder's LSTM
    before = [layer.use_cudnn for layer in layers]
    with without_cudnn(model):
        assert all(layer.use_cudnn is False for layer in layers)
    assert [layer.use_cudnn for layer in layers] == before

"""The committed models in `saved_models/` (two translators, a summarizer, a code generator) load,
as `.keras` and as a SavedModel, and translate their known inputs as recorded."""

import json
import pathlib
import subprocess
import sys
import textwrap

import keras
import pytest

from keras_seq2seq import Translator

ROOT = pathlib.Path(__file__).parent.parent / "saved_models"
MODELS = sorted(path.parent.name for path in ROOT.glob("*/known_translations.json"))

SERVE = textwrap.dedent(
    """
    import json, sys
    import tensorflow as tf
    import tensorflow_text  # noqa: F401
    served = {}
    for path, texts in json.loads(sys.argv[1]).items():
        serve = tf.saved_model.load(path).signatures["serving_default"]
        out = serve(tf.constant(texts))["translations"].numpy()
        served[path] = [t.decode("utf-8") for t in out]
    print(json.dumps(served))
    """
)


def _known(name: str) -> dict:
    return json.loads((ROOT / name / "known_translations.json").read_text(encoding="utf-8"))


def test_every_model_is_there():
    assert MODELS == ["debian-summaries", "gettext-en-de", "gettext-en-es", "python-codegen"]


@pytest.mark.parametrize("name", MODELS)
def test_keras_file_translates_known_inputs(name):
    translator = Translator.load(ROOT / name / "translator.keras")
    assert getattr(translator.model, "optimizer", None) is None  # saved for inference
    known = _known(name)
    assert translator.translate(list(known)) == list(known.values())


@pytest.mark.skipif(
    keras.backend.backend() != "tensorflow",
    reason="the SavedModel is served by TensorFlow alone, whatever the backend; run once",
)
def test_saved_models_serve_the_same_translations():
    # One process serves them all: importing TensorFlow dominates the time.
    known = {str(ROOT / name / "serving"): _known(name) for name in MODELS}
    request = {path: list(texts) for path, texts in known.items()}
    result = subprocess.run(
        [sys.executable, "-c", SERVE, json.dumps(request)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    served = json.loads(result.stdout.strip().splitlines()[-1])
    assert served == {path: list(texts.values()) for path, texts in known.items()}

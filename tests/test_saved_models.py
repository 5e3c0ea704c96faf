"""The committed model in `saved_models/` loads, as `.keras` and as a SavedModel, and translates."""

import json
import pathlib
import subprocess
import sys
import textwrap

from keras_seq2seq import Translator

MODEL = pathlib.Path(__file__).parent.parent / "saved_models" / "gettext-en-de-small"
KNOWN = json.loads((MODEL / "known_translations.json").read_text(encoding="utf-8"))

SERVE = textwrap.dedent(
    """
    import json, sys
    import tensorflow as tf
    import tensorflow_text  # noqa: F401
    serve = tf.saved_model.load(sys.argv[1]).signatures["serving_default"]
    out = serve(tf.constant(json.loads(sys.argv[2])))["translations"].numpy()
    print(json.dumps([t.decode("utf-8") for t in out]))
    """
)


def test_keras_file_translates_known_inputs():
    translator = Translator.load(MODEL / "translator.keras")
    assert getattr(translator.model, "optimizer", None) is None  # saved for inference
    assert translator.translate(list(KNOWN)) == list(KNOWN.values())


def test_saved_model_serves_the_same_translations():
    result = subprocess.run(
        [sys.executable, "-c", SERVE, str(MODEL / "serving"), json.dumps(list(KNOWN))],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert json.loads(result.stdout.strip().splitlines()[-1]) == list(KNOWN.values())

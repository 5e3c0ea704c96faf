"""What users of 0.1 wrote and saved keeps working: its `.keras` files, import paths and names."""

import ast
import importlib
import inspect
import json
import pathlib
import warnings

import numpy as np
import pytest
from conftest import random_batch, tiny_model
from keras import ops

import keras_seq2seq
from keras_seq2seq import Seq2Seq, Translator, samplers

RELEASE_0_1 = pathlib.Path(__file__).parent / "data" / "keras-seq2seq-0.1"
# This package's deprecation warnings (others', e.g. NumPy's from inside Keras, may occur).
OURS = ".*removed in keras-seq2seq"
KNOWN = json.loads((RELEASE_0_1 / "known_outputs.json").read_text(encoding="utf-8"))


def test_a_translator_saved_by_0_1_loads_and_gives_its_outputs(tmp_path):
    with warnings.catch_warnings():
        warnings.filterwarnings("error", OURS, DeprecationWarning)  # old names load silently
        translator = Translator.load(RELEASE_0_1 / "translator.keras")
    assert translator.model.prediction == "argmax"  # saved as `sampling`
    assert translator.sampler.n_best == 1  # saved as `num_return`
    outputs = translator.translate_n_best(list(KNOWN))
    assert [row[0][0] for row in outputs] == [text for text, _ in KNOWN.values()]
    np.testing.assert_allclose(
        [row[0][1] for row in outputs], [score for _, score in KNOWN.values()], atol=1e-4
    )
    with warnings.catch_warnings():
        warnings.filterwarnings("error", OURS, DeprecationWarning)  # and save silently
        translator.save(tmp_path / "again.keras")  # saved again under the new names
    config = translator.model.get_config()
    assert "prediction" in config and "sampling" not in config
    assert Translator.load(tmp_path / "again.keras").translate(list(KNOWN)) == [
        text for text, _ in KNOWN.values()
    ]


@pytest.mark.parametrize(
    "name, path",
    [
        ("callbacks", "keras_seq2seq.training.callbacks"),
        (
            "datasets",
            (
                "keras_seq2seq.data.datasets",
                "keras_seq2seq.data.dialogue",
                "keras_seq2seq.data.python_code",
                "keras_seq2seq.data.debian",
            ),
        ),
        ("dates", "keras_seq2seq.data.dates"),
        ("distribute", "keras_seq2seq.backend.distribute"),
        ("losses", "keras_seq2seq.training.losses"),
        ("metrics", "keras_seq2seq.training.metrics"),
        ("pipeline", "keras_seq2seq.data.pipeline"),
        ("schedules", "keras_seq2seq.training.schedules"),
        ("text", "keras_seq2seq.data.text"),
    ],
)
def test_the_public_modules_re_export_every_public_name(name, path):
    public = importlib.import_module(f"keras_seq2seq.{name}")
    defined = {}  # what the implementations define at their top level (not what they import)
    for each in (path,) if isinstance(path, str) else path:
        implementation = importlib.import_module(each)
        for node in ast.parse(inspect.getsource(implementation)).body:
            targets = getattr(node, "targets", [getattr(node, "target", None)])
            names = [getattr(node, "name", None), *(getattr(t, "id", None) for t in targets)]
            defined.update({n: implementation for n in names if n and not n.startswith("_")})
    assert set(public.__all__) == set(defined)
    assert all(getattr(public, key) is getattr(module, key) for key, module in defined.items())
    assert getattr(keras_seq2seq, name) is public


def test_renamed_arguments_still_work_with_a_warning():
    model = tiny_model()
    with pytest.warns(DeprecationWarning, match="use `prediction`"):
        renamed = Seq2Seq(model.encoder, model.decoder, sampling="sample")
    assert renamed.prediction == "sample"
    assert renamed.sampling == "sample"  # reading is silent: Keras's saving reads it
    with pytest.warns(DeprecationWarning, match="Seq2Seq.prediction"):
        renamed.sampling = "argmax"
    assert renamed.prediction == "argmax"
    with pytest.warns(DeprecationWarning, match="use `n_best`"):
        beam = samplers.BeamSearch(3, num_return=2)
    assert beam.n_best == 2
    with pytest.warns(DeprecationWarning, match="BeamSearch.n_best"):
        assert beam.num_return == 2
    x, _ = random_batch(batch=2)
    forced = np.ones(x[1].shape, bool)
    with pytest.warns(DeprecationWarning, match="use `teacher_forced`"):
        logits = model(x, choice=forced)
    expected = model(x, teacher_forced=forced)
    np.testing.assert_allclose(
        ops.convert_to_numpy(logits), ops.convert_to_numpy(expected), atol=1e-6
    )
    with pytest.warns(DeprecationWarning, match="draw_teacher_forcing"):
        _, drawn = model.draw_choice(x)
    assert tuple(drawn.shape) == x[1].shape


def test_old_and_new_spellings_together_are_an_error():
    with pytest.raises(ValueError, match="pass only `n_best`"):
        samplers.BeamSearch(3, n_best=2, num_return=2)
    model = tiny_model()
    with pytest.raises(ValueError, match="pass only `prediction`"):
        Seq2Seq(model.encoder, model.decoder, prediction="sample", sampling="argmax")


def test_translate_n_best_flag_is_translate_n_best(trained_translator):
    texts = ["12", "345"]
    with pytest.warns(DeprecationWarning, match="translate_n_best"):
        old = trained_translator.translate(texts, n_best=True)
    assert old == trained_translator.translate_n_best(texts)

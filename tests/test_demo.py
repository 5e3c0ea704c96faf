"""`keras-seq2seq demo --quick`: every artifact exists and is valid."""

import json

import keras
import pytest

from keras_seq2seq import cli
from keras_seq2seq.cli import demo
from keras_seq2seq.serving.translator import Translator

PNG = b"\x89PNG\r\n\x1a\n"
DEMO_PASS = "torch"


def test_refuses_a_run_directory_with_files(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(FileExistsError, match="has files"):
        demo.run(str(tmp_path), demo.QUICK)
    assert (tmp_path / "notes.txt").read_text() == "mine"


@pytest.mark.slow
def test_quick_demo_writes_every_artifact(tmp_path, capsys):
    if keras.backend.backend() != DEMO_PASS:
        pytest.skip(f"the whole demo runs once, in the {DEMO_PASS} pass; its parts run in all")
    import tensorflow as tf

    run_dir = tmp_path / "demo"
    cli.main(["demo", "--quick", "--run-dir", str(run_dir)])
    printed = capsys.readouterr().out
    assert f"Run directory: {run_dir}/" in printed
    assert "Held-out exact match" in printed and "Through the exported SavedModel" in printed
    for name in ("attention.png", "training.png"):
        assert (run_dir / name).read_bytes()[:8] == PNG
    summary = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
    assert summary["backend"] == DEMO_PASS and 0.0 <= summary["held_out_exact_match"] <= 1.0
    assert list(summary["examples"]) == list(demo.EXAMPLES)
    served = tf.saved_model.load(str(run_dir / "serving")).signatures["serving_default"]
    outputs = served(texts=tf.constant(list(demo.EXAMPLES)))
    assert [t.decode() for t in outputs["translations"].numpy()] == list(
        summary["examples"].values()
    )
    reloaded = Translator.load(str(run_dir / "translator.keras"))
    assert reloaded.translate(list(demo.EXAMPLES)) == list(summary["examples"].values())

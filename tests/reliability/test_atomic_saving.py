"""Saving over a good file never destroys it: an exception or Ctrl-C mid-save keeps the old one."""

import os

import numpy as np
import pytest
from conftest import tiny_model

from keras_seq2seq import atomic
from keras_seq2seq.layers import Encoder
from keras_seq2seq.serving.translator import Translator


def _fail_midway(monkeypatch, error):
    # The encoder's variables are written after the config: the old save left a 3.7 kB file.
    def save_own_variables(self, store):
        raise error

    monkeypatch.setattr(Encoder, "save_own_variables", save_own_variables)


@pytest.mark.parametrize("error", [OSError("No space left on device"), KeyboardInterrupt()])
def test_a_failed_translator_save_keeps_the_old_file(
    trained_translator, tmp_path, monkeypatch, error
):
    path = tmp_path / "translator.keras"
    trained_translator.save(path)
    before = path.read_bytes()
    _fail_midway(monkeypatch, error)
    with pytest.raises(type(error)):
        trained_translator.save(path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["translator.keras"]  # no partial file left behind
    restored = Translator.load(path)
    assert restored.translate(["123"]) == trained_translator.translate(["123"])


def test_a_failed_model_save_keeps_the_old_file(tmp_path, monkeypatch):
    model = tiny_model()
    path = tmp_path / "model.keras"
    model.save(path)
    before = path.read_bytes()
    _fail_midway(monkeypatch, OSError("disk full"))
    with pytest.raises(OSError, match="disk full"):
        model.save(path)
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["model.keras"]


def test_a_failed_export_leaves_nothing_at_the_path(trained_translator, tmp_path, monkeypatch):
    from keras_seq2seq.serving import export

    def fail(*args):
        path = args[-1]  # the path written: export_translator's or the child's
        os.makedirs(path)
        open(os.path.join(path, "saved_model.pb"), "wb").close()
        raise RuntimeError("tracing failed")

    monkeypatch.setattr(export, "export_translator", fail)
    monkeypatch.setattr(Translator, "_export_in_child", fail)
    with pytest.raises(RuntimeError, match="tracing failed"):
        trained_translator.export(tmp_path / "serving")
    assert os.listdir(tmp_path) == []


def test_stale_partial_files_are_removed_by_the_next_write(tmp_path):
    path = tmp_path / "notes.txt"
    (tmp_path / f".deadbeef{atomic.PARTIAL}notes.txt").write_text("killed mid-write")
    atomic.write_text(path, "done")
    assert os.listdir(tmp_path) == ["notes.txt"] and path.read_text() == "done"


def test_a_directory_replaces_an_empty_directory(tmp_path):
    target = tmp_path / "export"
    target.mkdir()
    with atomic.replacing(target) as partial:
        os.makedirs(partial)
        np.save(os.path.join(partial, "weights.npy"), np.arange(3))
    assert os.listdir(target) == ["weights.npy"]


def test_a_directory_replaces_a_full_directory_and_a_failure_keeps_it(tmp_path):
    target = tmp_path / "saved"
    target.mkdir()
    (target / "old.txt").write_text("old")
    with pytest.raises(OSError), atomic.replacing(target) as partial:
        os.makedirs(partial)
        raise OSError("disk full")
    assert os.listdir(target) == ["old.txt"]
    with atomic.replacing(target) as partial:
        os.makedirs(partial)
        (tmp_path / partial / "new.txt").write_text("new")
    assert os.listdir(target) == ["new.txt"] and os.listdir(tmp_path) == ["saved"]


def test_a_replaced_file_keeps_its_permissions(tmp_path):
    path = tmp_path / "config.json"
    path.write_text("{}")
    os.chmod(path, 0o640)
    atomic.write_text(path, '{"version": 2}')
    assert os.stat(path).st_mode & 0o777 == 0o640

"""Resuming a training run: damaged backups are skipped with their path, the log matches the
restored epoch, and a run killed with SIGKILL mid-epoch resumes to a complete run."""

import csv
import json
import os
import signal
import subprocess
import sys
import time

import keras
import numpy as np
import pytest
from conftest import tiny_model
from helpers import write_tsv

from keras_seq2seq import cli, datasets
from keras_seq2seq.cli import builder
from keras_seq2seq.cli.run_directory import (
    EpochBackup,
    RunDirectory,
    SaveBestTranslator,
    better,
)
from keras_seq2seq.serving.translator import Translator

TINY_RUN = ["--embedding-dim", "8", "--units", "8", "--dropout", "0", "--batch-size", "16",
            "--source-level", "character", "--target-level", "word"]  # fmt: skip


def _compiled_model():
    model = tiny_model()
    model.compile(optimizer=keras.optimizers.Adam(0.01))
    model.optimizer.build(model.trainable_variables)
    return model


def _back_up_epochs(directory, model, epochs):
    """Backs up `epochs` epochs, each with other weights; returns the weights of each."""
    backup = EpochBackup(directory)
    backup.set_model(model)
    weights = []
    for epoch in range(epochs):
        model.set_weights([w + epoch + 1 for w in model.get_weights()])
        model.optimizer.iterations.assign(10 * (epoch + 1))
        weights.append(model.get_weights())
        backup.on_epoch_end(epoch)
    return weights


def _write_log(directory, epochs):
    rows = "".join(f"{e},{1.0 / (e + 1)}\n" for e in epochs)
    with open(directory.log_path, "w", encoding="utf-8") as file:
        file.write("epoch,loss\n" + rows)


def _logged_epochs(path):
    with open(path, encoding="utf-8") as file:
        return [int(row["epoch"]) for row in csv.DictReader(file)]


def test_restores_the_newest_backup_with_its_optimizer_state(tmp_path):
    directory = RunDirectory(tmp_path)
    weights = _back_up_epochs(directory, _compiled_model(), 3)
    assert [e for e, _ in directory.backups()] == [3, 2]  # the last two kept
    _write_log(directory, [0, 1, 2, 2, 3])  # a repeated row, and one of an epoch not backed up
    model = _compiled_model()
    assert directory.restore(model) == 3
    for restored, saved in zip(model.get_weights(), weights[-1], strict=True):
        np.testing.assert_array_equal(restored, saved)
    assert int(model.optimizer.iterations) == 30
    assert _logged_epochs(directory.log_path) == [0, 1, 2]


def test_a_damaged_backup_is_reported_and_the_previous_one_restored(tmp_path, capsys):
    directory = RunDirectory(tmp_path)
    weights = _back_up_epochs(directory, _compiled_model(), 2)
    newest = directory.backup_path(2)
    with open(newest, "r+b") as file:  # what a kill during an in-place write leaves
        file.truncate(os.path.getsize(newest) // 2)
    _write_log(directory, [0, 1])
    model = _compiled_model()
    assert directory.restore(model) == 1
    assert f"Skipping the damaged backup {newest}" in capsys.readouterr().err
    for restored, saved in zip(model.get_weights(), weights[0], strict=True):
        np.testing.assert_array_equal(restored, saved)
    assert _logged_epochs(directory.log_path) == [0]


def test_no_loadable_backup_restarts_from_the_initial_weights(tmp_path, capsys):
    directory = RunDirectory(tmp_path)
    _back_up_epochs(directory, _compiled_model(), 1)
    with open(directory.backup_path(1), "wb") as file:
        file.write(os.urandom(2048))
    model = _compiled_model()
    initial = model.get_weights()
    assert directory.restore(model) == 0
    assert "training restarts at epoch 0" in capsys.readouterr().err
    for restored, saved in zip(model.get_weights(), initial, strict=True):
        np.testing.assert_array_equal(restored, saved)


def test_a_keras_backup_with_garbled_metadata_is_named_and_set_aside(tmp_path, capsys):
    directory = RunDirectory(tmp_path)
    os.makedirs(directory.backup_dir)
    weights = os.path.join(directory.backup_dir, "latest.weights.h5")
    metadata = os.path.join(directory.backup_dir, "training_metadata.json")
    _compiled_model().save_weights(weights)
    with open(metadata, "w", encoding="utf-8") as file:
        file.write('{"epoch": 3, "bat')
    assert directory.restore(_compiled_model()) == 0
    assert f"its {metadata} is unreadable" in capsys.readouterr().err
    assert sorted(os.listdir(directory.backup_dir)) == [
        "latest.weights.h5.damaged",
        "training_metadata.json.damaged",
    ]
    os.replace(weights + ".damaged", weights)
    with open(metadata, "w", encoding="utf-8") as file:
        json.dump({"epoch": 3, "batch": 0}, file)  # a good 0.2 backup still resumes
    assert directory.restore(_compiled_model()) == 3


def test_backups_written_after_a_damaged_one_are_kept(tmp_path, capsys):
    directory = RunDirectory(tmp_path)
    model = _compiled_model()
    _back_up_epochs(directory, model, 1)
    os.replace(directory.backup_path(1), directory.backup_path(5))
    with open(directory.backup_path(5), "r+b") as file:
        file.truncate(100)
    assert directory.restore(model) == 0
    _back_up_epochs(directory, model, 2)  # a restarted run backs up epochs 1 and 2
    assert [e for e, _ in directory.backups()] == [2, 1]


def test_a_garbled_best_record_is_an_error_naming_it(trained_translator, tmp_path):
    path = tmp_path / "translator.keras"
    (tmp_path / "translator.keras.best.json").write_text("{")
    with pytest.raises(ValueError, match="translator.keras.best.json is unreadable"):
        SaveBestTranslator(trained_translator, str(path), "val_loss")


def test_settings_are_written_first_and_always_compared(tmp_path, monkeypatch, capsys):
    train = write_tsv(tmp_path / "train.tsv", datasets.spelled_digits(64, seed=1))
    run = tmp_path / "run"
    args = ["train", "--train", train, "--run-dir", str(run), "--epochs", "1", *TINY_RUN]

    def fail(*args, **kwargs):
        raise ValueError("failed after the processors")

    monkeypatch.setattr(builder, "build_model", fail)
    with pytest.raises(SystemExit):
        cli.main(args)
    assert {"config.json", "processors"} <= set(os.listdir(run))
    monkeypatch.undo()
    with pytest.raises(SystemExit):  # its processors were learned with the stored settings
        cli.main([*args, "--source-level", "word"])
    assert "source_level: 'character' -> 'word'" in capsys.readouterr().err
    monkeypatch.setattr(builder, "adapt_processors", fail)
    other = tmp_path / "other"
    with pytest.raises(SystemExit):
        cli.main([*args[:4], str(other), *args[5:]])
    assert os.listdir(other) == ["config.json"]  # failed before learning anything


def test_a_run_killed_mid_epoch_resumes_to_a_complete_run(tmp_path, capsys):
    train = write_tsv(tmp_path / "train.tsv", datasets.spelled_digits(1000, seed=1))
    valid = write_tsv(tmp_path / "valid.tsv", datasets.spelled_digits(64, seed=2))
    run = tmp_path / "run"
    args = ["train", "--train", train, "--valid", valid, "--run-dir", str(run), "--epochs", "2",
            *TINY_RUN]  # fmt: skip
    child = subprocess.Popen([sys.executable, "-m", "keras_seq2seq", *args])
    log, first_backup = run / "log.csv", RunDirectory(run).backup_path(1)
    try:
        while child.poll() is None and not os.path.exists(first_backup):
            time.sleep(0.05)
        assert child.poll() is None, "the run ended before it could be killed"
        child.send_signal(signal.SIGKILL)  # in epoch 1 (the next backup is written atomically)
    finally:
        child.kill()
        child.wait()
    assert not (run / "done.json").exists()
    first_row = log.read_text().splitlines()[:2]
    cli.main(args)
    output = capsys.readouterr()
    assert "Resuming the run" in output.out and "restarts" not in output.err
    assert _logged_epochs(log) == [0, 1]
    assert log.read_text().splitlines()[:2] == first_row  # epoch 0 was not trained again
    assert (run / "done.json").exists() and not (run / "backup").exists()
    assert isinstance(Translator.load(run / "translator.keras"), Translator)


def test_a_score_is_kept_at_its_highest_and_stops_training_when_it_stalls(
    trained_translator, tmp_path
):
    path = tmp_path / "translator.keras"
    saver = SaveBestTranslator(trained_translator, str(path), "val_chrf")
    saver.set_model(trained_translator.model)
    for epoch, chrf in enumerate([10.0, 20.0, 15.0]):
        saver.on_epoch_end(epoch, {"val_loss": 5.0 - epoch, "val_chrf": chrf})
    assert json.loads((tmp_path / "translator.keras.best.json").read_text()) == {
        "val_chrf": 20.0,
        "epoch": 1,
    }
    assert better("val_bleu", 2.0, 1.0) and better("val_loss", 1.0, 2.0)
    callbacks = RunDirectory(tmp_path / "run").callbacks(trained_translator, "val_bleu", patience=2)
    stopping = callbacks[-1]
    assert isinstance(stopping, keras.callbacks.EarlyStopping)
    assert (stopping.monitor, stopping.patience, stopping.mode) == ("val_bleu", 2, "max")

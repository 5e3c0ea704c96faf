"""Checkpoint averaging: the mean of saved weights, and a run's `--average-last N`."""

import json
import os

import keras
import numpy as np
from conftest import tiny_model
from helpers import assert_rejected

from keras_seq2seq.cli.run_directory import EpochBackup, RunDirectory
from keras_seq2seq.data.text import RESERVED_TOKENS, TextProcessor
from keras_seq2seq.serving.translator import Translator
from keras_seq2seq.training.averaging import average_checkpoints


def _compiled_model():
    model = tiny_model()
    model.compile(optimizer=keras.optimizers.Adam(0.01))
    model.optimizer.build(model.trainable_variables)
    return model


def _translator():
    vocabulary = [*RESERVED_TOKENS, *(f"w{index}" for index in range(16))]
    processor = TextProcessor("word", 20, vocabulary=vocabulary)
    return Translator(processor, processor, _compiled_model(), max_length=4)


def _saved_states(model, paths):
    """Saves `model` with other weights to each path; returns the weights of each."""
    states = []
    rng = np.random.default_rng(0)
    for path in paths:
        model.set_weights([rng.normal(size=w.shape).astype(w.dtype) for w in model.get_weights()])
        model.save_weights(path)
        states.append(model.get_weights())
    return states


def test_the_average_is_the_mean_of_the_checkpoints(tmp_path):
    paths = [str(tmp_path / f"{index}.weights.h5") for index in range(3)]
    states = _saved_states(_compiled_model(), paths)
    model = _compiled_model()
    average_checkpoints(model, paths)
    for index, averaged in enumerate(model.get_weights()):
        expected = np.mean([state[index] for state in states], axis=0)
        np.testing.assert_allclose(averaged, expected, rtol=1e-6, atol=1e-7)
    average_checkpoints(model, paths[:1])  # the average of one is that checkpoint
    for averaged, saved in zip(model.get_weights(), states[0], strict=True):
        np.testing.assert_array_equal(averaged, saved)
    assert_rejected(lambda: average_checkpoints(model, []), r"Received: \[\]")


def test_a_run_keeps_enough_backups_and_the_better_model_wins(tmp_path):
    directory = RunDirectory(tmp_path)
    translator = _translator()
    backup = EpochBackup(directory, keep=3)
    backup.set_model(translator.model)
    states = []
    for epoch in range(4):
        states.append(_saved_states(translator.model, [str(tmp_path / "scratch.weights.h5")])[0])
        backup.on_epoch_end(epoch)
    assert [epoch for epoch, _ in directory.backups()] == [4, 3, 2]
    record = directory.translator_path + ".best.json"
    with open(record, "w", encoding="utf-8") as file:
        json.dump({"val_loss": 1.0, "epoch": 1}, file)

    assert directory.average(translator, 2, "val_loss", lambda: 2.0) == ([3, 4], 2.0, 1.0)
    assert os.path.exists(directory.averaged_path) and not os.path.exists(directory.translator_path)
    loaded = Translator.load(directory.averaged_path).model.get_weights()
    for index, averaged in enumerate(loaded):
        np.testing.assert_allclose(averaged, (states[2][index] + states[3][index]) / 2, rtol=1e-6)

    assert directory.average(translator, 3, "val_loss", lambda: 0.5) == ([2, 3, 4], 0.5, 1.0)
    assert os.path.exists(directory.translator_path)
    with open(record, encoding="utf-8") as file:
        assert json.load(file) == {"val_loss": 0.5, "averaged_epochs": [2, 3, 4]}


def test_fewer_than_two_backups_are_not_averaged(tmp_path):
    directory = RunDirectory(tmp_path)
    translator = _translator()
    assert directory.average(translator, 2, "val_loss", lambda: 0.0) is None
    assert not os.path.exists(directory.averaged_path)


def test_without_validation_the_average_is_saved_but_not_compared(tmp_path):
    directory = RunDirectory(tmp_path)
    translator = _translator()
    backup = EpochBackup(directory, keep=2)
    backup.set_model(translator.model)
    for epoch in range(2):
        backup.on_epoch_end(epoch)
    assert directory.average(translator, 2, "loss") == ([1, 2], None, np.inf)
    assert os.path.exists(directory.averaged_path) and not os.path.exists(directory.translator_path)

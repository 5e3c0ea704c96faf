"""Plots: files written, axes as documented, mismatched inputs rejected."""

import numpy as np
from helpers import assert_rejected

from keras_seq2seq import plot

PNG = b"\x89PNG\r\n\x1a\n"


def _is_png(path):
    with open(path, "rb") as file:
        return file.read(8) == PNG


def test_attention_heatmap(tmp_path):
    weights = np.eye(3, 4)
    path = tmp_path / "attention.png"
    figure = plot.attention_heatmap(["a", " ", "b", "c"], ["x", "y", "[END]"], weights, path)
    assert _is_png(path)
    axes = figure.axes[0]
    assert [t.get_text() for t in axes.get_xticklabels()] == ["a", "␣", "b", "c"]
    assert [t.get_text() for t in axes.get_yticklabels()] == ["x", "y", "[END]"]
    np.testing.assert_array_equal(axes.images[0].get_array(), weights)


def test_attention_heatmap_rejects_mismatched_shapes():
    assert_rejected(
        lambda: plot.attention_heatmap(["a", "b", "c", "d"], ["x", "y"], np.ones((3, 4))),
        r"\(2, 4\). Received: weights.shape=\(3, 4\)",
    )


def test_training_history_puts_the_ratio_on_a_second_axis(tmp_path):
    history = {
        "loss": [2.0, 1.0, 0.5],
        "val_loss": [2.1, 1.2, 0.7],
        "accuracy": [0.3, 0.6, 0.9],
        "teacher_forcing_ratio": [1.0, 0.75, 0.5],
    }
    path = tmp_path / "history.svg"
    figure = plot.training_history(history, path)
    assert path.read_text().lstrip().startswith("<?xml")
    assert len(figure.axes) == 4  # loss, accuracy, then a ratio twin of each
    loss_axes, ratio_axes = figure.axes[0], figure.axes[2]
    assert [line.get_label() for line in loss_axes.get_lines()] == [
        "training loss",
        "validation loss",
    ]
    np.testing.assert_array_equal(ratio_axes.get_lines()[0].get_ydata(), [1.0, 0.75, 0.5])
    assert len(plot.training_history({"loss": [1.0]}, metrics=["loss"]).axes) == 1  # no twin


def test_training_history_rejects_missing_metrics():
    assert_rejected(
        lambda: plot.training_history({"loss": [1.0]}), r"\['accuracy'\]. It holds: \['loss'\]"
    )
    assert_rejected(lambda: plot.training_history([1.0, 0.5]), "History or a dict")


def test_accuracy_by_length(tmp_path):
    path = tmp_path / "length.png"
    figure = plot.accuracy_by_length(
        {"luong": ([10, 30, 50], [1.0, 0.99, 0.97]), "plain": ([10, 30, 50], [0.9, 0.2, 0.0])},
        path,
    )
    assert _is_png(path)
    assert [line.get_label() for line in figure.axes[0].get_lines()] == ["luong", "plain"]


def test_accuracy_by_length_rejects_bad_results():
    assert_rejected(lambda: plot.accuracy_by_length({}), "at least one")
    assert_rejected(
        lambda: plot.accuracy_by_length({"x": ([1, 2, 3], [0.5, 0.4])}),
        r"results\['x'\].*3 lengths, 2 accuracies",
    )

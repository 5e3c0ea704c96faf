"""Plots with matplotlib: attention heatmaps, training histories, accuracy against length.

Each function returns a `matplotlib.figure.Figure` (shown inline in a notebook) and, given
`path`, also writes it to that file (PNG, SVG or PDF, by the extension). They use no global
pyplot state, so they work without a display.
"""

import os
from collections.abc import Mapping, Sequence

import numpy as np

RATIO = "teacher_forcing_ratio"


def attention_heatmap(
    source_tokens: Sequence[str],
    target_tokens: Sequence[str],
    weights,
    path: str | os.PathLike | None = None,
    title: str | None = None,
):
    """The attention weights of one translation, source tokens across, target tokens down.

    Args:
        source_tokens: the `S` source tokens.
        target_tokens: the `T` generated tokens.
        weights: array-like `(T, S)`: row `t` is the attention of output token `t` over the
            source (`Translator.attention(text)` returns all three).
        path: where to write the figure, or `None`.
        title: the figure's title.

    Returns:
        The `matplotlib.figure.Figure`.

    Example:
    >>> shown = translator.attention("25.11.26")
    >>> attention_heatmap(shown["source_tokens"], shown["target_tokens"], shown["weights"])
    """
    weights = np.asarray(weights, dtype="float32")
    expected = (len(target_tokens), len(source_tokens))
    if weights.shape != expected:
        raise ValueError(
            "`weights` must have shape (len(target_tokens), len(source_tokens)) = "
            f"{expected}. Received: weights.shape={weights.shape}"
        )
    figure = _figure(
        width=max(3.0, 0.35 * len(source_tokens) + 1.5),
        height=max(2.5, 0.35 * len(target_tokens) + 1.0),
    )
    axes = figure.subplots()
    image = axes.imshow(weights, cmap="viridis", vmin=0.0, vmax=1.0, aspect="auto")
    axes.set_xticks(range(len(source_tokens)), [_visible(t) for t in source_tokens], rotation=90)
    axes.set_yticks(range(len(target_tokens)), [_visible(t) for t in target_tokens])
    axes.set_xlabel("source")
    axes.set_ylabel("output")
    figure.colorbar(image, ax=axes, label="attention weight")
    if title:
        axes.set_title(title)
    return _finish(figure, path)


def training_history(
    history,
    path: str | os.PathLike | None = None,
    metrics: Sequence[str] = ("loss", "accuracy"),
):
    """Training curves per epoch, with the teacher-forcing ratio on a second axis.

    Args:
        history: a `keras.callbacks.History` (what `fit` returns) or its `.history` dict.
        path: where to write the figure, or `None`.
        metrics: the logged metrics to draw, one panel each; their `val_` twins are drawn too
            when logged.

    Returns:
        The `matplotlib.figure.Figure`.

    Example:
    >>> history = model.fit(data, epochs=5, callbacks=[schedule])
    >>> training_history(history, "curves.png")
    """
    logs = getattr(history, "history", history)
    if not isinstance(logs, Mapping):
        raise ValueError(f"`history` must be a History or a dict. Received: {type(history)}")
    missing = [m for m in metrics if m not in logs]
    if missing:
        raise ValueError(
            f"`metrics` names values the history does not hold: {missing}. It holds: {sorted(logs)}"
        )
    figure = _figure(width=4.5 * len(metrics), height=3.5)
    for axes, metric in zip(np.atleast_1d(figure.subplots(1, len(metrics))), metrics, strict=True):
        epochs = np.arange(1, len(logs[metric]) + 1)
        axes.plot(epochs, logs[metric], "o-", label=f"training {metric}")
        if f"val_{metric}" in logs:
            axes.plot(epochs, logs[f"val_{metric}"], "s--", label=f"validation {metric}")
        axes.set_xlabel("epoch")
        axes.set_ylabel(metric)
        lines = axes.get_lines()
        if RATIO in logs:
            ratio_axes = axes.twinx()
            lines += ratio_axes.plot(
                epochs, logs[RATIO], ":", color="gray", label="teacher-forcing ratio"
            )
            ratio_axes.set_ylim(0.0, 1.05)
            ratio_axes.set_ylabel("teacher-forcing ratio")
        axes.legend(lines, [line.get_label() for line in lines], loc="best", fontsize="small")
    return _finish(figure, path)


def accuracy_by_length(
    results: Mapping[str, tuple[Sequence[float], Sequence[float]]],
    path: str | os.PathLike | None = None,
    ylabel: str = "exact match",
):
    """Accuracy against source length, one line per model.

    Args:
        results: `{model name: (lengths, accuracies)}`, two sequences of equal length each.
        path: where to write the figure, or `None`.
        ylabel: what the accuracies are.

    Returns:
        The `matplotlib.figure.Figure`.

    Example:
    >>> accuracy_by_length({"luong": ([10, 30, 50], [1.0, 0.99, 0.97])}, "length.png")
    """
    if not results:
        raise ValueError("`results` must hold at least one model's (lengths, accuracies).")
    figure = _figure(width=5.5, height=3.5)
    axes = figure.subplots()
    for name, (lengths, accuracies) in results.items():
        if len(lengths) != len(accuracies):
            raise ValueError(
                f"`results[{name!r}]` must hold as many accuracies as lengths. Received: "
                f"{len(lengths)} lengths, {len(accuracies)} accuracies"
            )
        axes.plot(lengths, accuracies, "o-", label=name)
    axes.set_xlabel("source length")
    axes.set_ylabel(ylabel)
    axes.set_ylim(-0.02, 1.02)
    axes.grid(alpha=0.3)
    axes.legend(loc="best")
    return _finish(figure, path)


def _figure(width: float, height: float):
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def _finish(figure, path):
    if path is not None:
        figure.savefig(path, dpi=120)
    return figure


def _visible(token: str) -> str:
    """Spaces and empty tokens made visible on an axis."""
    return "␣" if token.isspace() else token or "∅"

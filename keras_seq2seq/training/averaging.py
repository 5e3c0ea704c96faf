"""Checkpoint averaging: a model whose weights are the mean of several saved checkpoints.

Averaging the weights of the last few epochs (Vaswani et al. 2017; `onmt-average-checkpoints`
in OpenNMT) smooths the noise of the last updates and usually scores a little better than any
one of them, at no cost at decoding time.
"""

import os
from collections.abc import Sequence

import keras
import numpy as np


def average_checkpoints(model: keras.Model, paths: Sequence[str | os.PathLike]) -> None:
    """Sets `model`'s weights to the mean of the weights in `paths`.

    Each path is a `.weights.h5` file written by `model.save_weights` from a model of the same
    architecture. Floating-point weights are averaged in float64, then cast back; other weights
    (integer seed states, counters) keep the value of the last checkpoint. The optimizer's state
    is the last checkpoint's too: the result is for decoding, or to start a new optimizer.

    Args:
        model: a built model; its weights are replaced.
        paths: one or more checkpoint files.

    Example:
    ```python
    average_checkpoints(model, ["epoch-0008.weights.h5", "epoch-0009.weights.h5"])
    ```
    """
    paths = [os.fspath(path) for path in paths]
    if not paths:
        raise ValueError("`paths` must name at least one checkpoint. Received: []")
    weights = model.weights
    floating = [i for i, w in enumerate(weights) if _is_floating(w)]
    sums = {i: np.zeros(weights[i].shape, "float64") for i in floating}
    for path in paths:
        model.load_weights(path)
        for i in floating:
            sums[i] += keras.ops.convert_to_numpy(weights[i])
    for i in floating:
        mean = (sums[i] / len(paths)).astype("float32")
        weights[i].assign(keras.ops.cast(mean, weights[i].dtype))


def _is_floating(weight) -> bool:
    return "float" in keras.backend.standardize_dtype(weight.dtype)

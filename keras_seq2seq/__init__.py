"""keras_seq2seq: RNN sequence-to-sequence learning for Keras 3 (TensorFlow, JAX, PyTorch)."""

from keras_seq2seq import (
    callbacks,
    data,
    datasets,
    dates,
    distribute,
    layers,
    losses,
    metrics,
    pipeline,
    plot,
    samplers,
    schedules,
    special_ids,
    text,
)
from keras_seq2seq.model import Seq2Seq
from keras_seq2seq.translator import Translator

__version__ = "0.1.0"

__all__ = [
    "Seq2Seq",
    "Translator",
    "callbacks",
    "data",
    "datasets",
    "dates",
    "distribute",
    "layers",
    "losses",
    "metrics",
    "pipeline",
    "plot",
    "samplers",
    "schedules",
    "special_ids",
    "text",
]

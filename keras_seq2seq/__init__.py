"""keras_seq2seq: RNN sequence-to-sequence learning for Keras 3 (TensorFlow, JAX, PyTorch).

The layout (see the README's "Architecture"): `layers` (attention, encoder, decoder and its step
loop), `samplers` (greedy, sampling, beam search), `training` (train steps, losses, metrics,
schedules, callbacks), `backend` (everything that branches on the backend), `data` (arrays,
text, pipelines, generated tasks), `serving` (`Translator`, SavedModel export) and `cli`; `model`
joins them into `Seq2Seq`. The other top-level modules (`callbacks`, `datasets`, `dates`,
`distribute`, `losses`, `metrics`, `pipeline`, `schedules`, `text`) are the public paths of the
API map, each re-exporting the subpackage module that implements it.
"""

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
from keras_seq2seq.serving.translator import Translator

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

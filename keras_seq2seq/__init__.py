"""keras_seq2seq: RNN sequence-to-sequence learning for Keras 3 (TensorFlow, JAX, PyTorch).

The layout (see the README's "Architecture"): `layers` (attention, encoder, decoder and its step
loop), `samplers` (greedy, sampling, beam search), `training` (train steps, losses, metrics,
schedules, callbacks), `backend` (everything that branches on the backend), `data` (arrays,
text, pipelines, generated tasks), `serving` (`Translator`, SavedModel export) and `cli`; `model`
joins them into `Seq2Seq`, `generation` compiles its decoding, and `ensemble` decodes with
several models at once. The other top-level modules (`callbacks`, `datasets`, `dates`,
`distribute`, `losses`, `metrics`, `pipeline`, `schedules`, `text`) are the public paths of the
API map, each re-exporting the subpackage module that implements it; `scores` (corpus BLEU and
chrF) serves evaluation and training alike; `choices` holds the names some settings take,
without importing anything, for the command line.

Importing the package is cheap: it loads neither Keras nor a backend, so `keras-seq2seq --help`
answers at once. The first use of a name below (`keras_seq2seq.Translator`,
`from keras_seq2seq import samplers`, ...) loads them all, and with them the registration of
this package's classes for `keras.saving`; when Keras is already imported (`import keras` before
`import keras_seq2seq`), they all load at once. Changed in 0.2: code that imports keras_seq2seq
before Keras and then calls `keras.saving.load_model` directly, using no name of the package,
must use one first (or load with `Translator.load`).
"""

import importlib
import importlib.util
import sys
from typing import Any

__version__ = "0.1.0"

__all__ = [
    "Ensemble",
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
    "scores",
    "special_ids",
    "text",
]
# The modules that define the classes of `__all__`; its other names are submodules.
_CLASS_MODULES = {
    "Ensemble": "keras_seq2seq.ensemble",
    "Seq2Seq": "keras_seq2seq.model",
    "Translator": "keras_seq2seq.serving.translator",
}


def __getattr__(name: str) -> Any:
    """Imports a submodule (`samplers`, `model`, ...) on first access; a name of `__all__`
    imports all of them, so that every class is registered for `keras.saving` (PEP 562)."""
    if name in __all__:
        _import_all()
        return globals()[name]
    if importlib.util.find_spec(f"{__name__}.{name}") is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = importlib.import_module(f"{__name__}.{name}")
    return globals()[name]


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


def _import_all() -> None:
    for name in __all__:
        if name in _CLASS_MODULES:
            globals()[name] = getattr(importlib.import_module(_CLASS_MODULES[name]), name)
        else:
            globals()[name] = importlib.import_module(f"{__name__}.{name}")


if "keras" in sys.modules:
    _import_all()

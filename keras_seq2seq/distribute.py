"""Data-parallel training on the engine of the active backend, and replica-aware random draws.

The public path of `keras_seq2seq.backend.distribute`, where it is implemented.
"""

from keras_seq2seq.backend.distribute import (
    data_parallel,
    devices,
    replica,
    split_cpu,
    uniform,
)

__all__ = [
    "data_parallel",
    "devices",
    "replica",
    "split_cpu",
    "uniform",
]

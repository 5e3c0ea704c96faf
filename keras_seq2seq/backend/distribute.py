"""Data-parallel training on the engine of the active backend, and replica-aware random draws.

Keras drives the existing engines: `keras.distribution.DataParallel` on JAX (one program over a
global batch sharded across devices) and `tf.distribute.MirroredStrategy` on TensorFlow (one
program per replica, each on its share of the batch). `data_parallel` picks the right one.
Keras 3.15 has no data-parallel `fit` for PyTorch; see the README's "Data-parallel training".

The random draws of a training step (the teacher/model choices, sampling noise, the decoder's
dropout masks) go through `uniform`: on every engine, each replica gets the rows of the draw for
the whole global batch that belong to its share, so no replica repeats another's stream and a
data-parallel step draws what a single-device step on the same global batch draws.
"""

import contextlib
from collections.abc import Iterator

import keras
from keras import ops

from keras_seq2seq import validation

_TORCH_MESSAGE = (
    "Keras 3.15 has no data-parallel `fit` for the PyTorch backend (`keras.distribution` is "
    "JAX-only). Train on one device, or with KERAS_BACKEND=jax or tensorflow (a saved .keras "
    "model loads under PyTorch afterwards); see the README's 'Data-parallel training'."
)


def _tensorflow_devices() -> list[str]:
    import tensorflow as tf

    return [d.name for d in tf.config.list_logical_devices("GPU")] or [
        d.name for d in tf.config.list_logical_devices("CPU")
    ]


def devices() -> list[str]:
    """The devices `data_parallel` spreads over by default: the accelerators, else the CPUs.

    Returns:
        Device names as the active backend's engine spells them (JAX: `"gpu:0"`; TensorFlow:
        `"/device:GPU:0"`).
    """
    backend = keras.backend.backend()
    if backend == "tensorflow":
        return _tensorflow_devices()
    if backend == "jax":
        return keras.distribution.list_devices()
    raise NotImplementedError(_TORCH_MESSAGE)


@contextlib.contextmanager
def data_parallel(device_names: int | list[str] | None = None) -> Iterator[int]:
    """A scope in which a model is built, compiled and fitted data-parallel; yields the replicas.

    JAX: `keras.distribution.DataParallel` over the devices, active inside the scope (create
    and fit the model inside it). TensorFlow: a `tf.distribute.MirroredStrategy` scope (create
    and compile the model inside it; `fit` may come after). PyTorch: `NotImplementedError`, since
    Keras 3.15 has no data-parallel `fit` there. Batches are global: each replica gets
    `batch_size / replicas` rows, so scale the batch size by the yielded replica count.

    Args:
        device_names: None for every device of `devices()`, an int for the first that many, or a
            list of device names of the engine.

    Yields:
        The number of replicas.

    Example:
    ```python
    with keras_seq2seq.distribute.data_parallel() as replicas:
        model = Seq2Seq(Encoder(8000), Decoder(8000, attention="luong"))
        model.compile()
        model.fit(dataset.batch(64 * replicas), epochs=10, callbacks=[schedule])
    ```
    """
    backend = keras.backend.backend()
    if backend == "torch":
        raise NotImplementedError(_TORCH_MESSAGE)
    available = devices()
    if device_names is None:
        chosen = available
    elif isinstance(device_names, int) and not isinstance(device_names, bool):
        validation.positive_int("device_names", device_names)
        if device_names > len(available):
            raise ValueError(
                f"`device_names` asks for {device_names} devices; there are {len(available)}: "
                f"{available}. Received: device_names={device_names!r}"
            )
        chosen = available[:device_names]
    elif isinstance(device_names, (list, tuple)) and device_names:
        chosen = list(device_names)
    else:
        raise ValueError(
            "`device_names` must be None, a positive int or a non-empty list of device names. "
            f"Received: device_names={device_names!r}"
        )
    if backend == "jax":
        with keras.distribution.DataParallel(devices=chosen).scope():
            yield len(chosen)
        return
    import tensorflow as tf

    strategy = tf.distribute.MirroredStrategy(chosen)
    with strategy.scope():
        yield strategy.num_replicas_in_sync


def split_cpu(count: int) -> None:
    """Makes the CPU appear as `count` devices, to try data parallelism without accelerators.

    Call it before the backend runs any computation. JAX: sets the CPU device count;
    TensorFlow: configures `count` logical CPU devices.

    Args:
        count: how many CPU devices to show.
    """
    validation.positive_int("count", count)
    backend = keras.backend.backend()
    if backend == "jax":
        import jax

        jax.config.update("jax_num_cpu_devices", count)
    elif backend == "tensorflow":
        import tensorflow as tf

        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration() for _ in range(count)]
        )
    else:
        raise NotImplementedError(_TORCH_MESSAGE)


def replica() -> tuple:
    """`(replica index, replica count)` of the running step: `(0, 1)` except per replica of a
    `tf.distribute` strategy (JAX's `DataParallel` runs one program over the global batch)."""
    if keras.backend.backend() != "tensorflow":
        return 0, 1
    import tensorflow as tf

    context = tf.distribute.get_replica_context()
    if context is None or context.num_replicas_in_sync == 1:
        return 0, 1
    return context.replica_id_in_sync_group, context.num_replicas_in_sync


def uniform(shape, seed_generator: keras.random.SeedGenerator):
    """`keras.random.uniform(shape)`, with each replica taking its rows of the global draw.

    `shape[0]` is this replica's batch. Under a `tf.distribute` strategy every replica draws
    `(replicas * shape[0], ...)` from the same (mirrored) seed and keeps its own block of rows,
    the rows its share of the global batch would get on one device.
    """
    index, count = replica()
    if count == 1:
        return keras.random.uniform(shape, seed=seed_generator)
    draws = keras.random.uniform((count * shape[0], *shape[1:]), seed=seed_generator)
    return ops.take(ops.reshape(draws, (count, *shape)), index, axis=0)

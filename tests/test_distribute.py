"""Data-parallel `fit` on two virtual CPU devices (set up by conftest.py) against one device."""

import pathlib
import subprocess
import sys

import keras
import numpy as np
import pytest
from conftest import random_batch, tiny_model
from keras import ops

from keras_seq2seq import callbacks, distribute, schedules

TORCH = keras.backend.backend() == "torch"
needs_engine = pytest.mark.skipif(
    TORCH, reason="Keras 3.15 has no data-parallel fit on PyTorch (tested to raise below)"
)


def _fit_one_step(model, ratio, x, y):
    # No XLA on either side (Keras turns it off under tf.distribute): the same kernels on both,
    # so an argmax close to a tie cannot flip between them.
    model.compile(optimizer=keras.optimizers.SGD(0.5), jit_compile=False)
    model.teacher_forcing_ratio.assign(ratio)
    model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    return [ops.convert_to_numpy(w) for w in model.weights]


@needs_engine
@pytest.mark.parametrize("ratio", [1.0, 0.5])
def test_data_parallel_step_equals_single_device_step(ratio):
    # Padded, so the replicas hold different numbers of tokens: the loss is still the mean over
    # the global batch's tokens.
    x, y = random_batch(batch=8, seed=3)
    assert (y[:4] != 0).sum() != (y[4:] != 0).sum()
    single = tiny_model(seed=5)
    initial = single.get_weights()
    expected = _fit_one_step(single, ratio, x, y)
    with distribute.data_parallel(2) as replicas:
        model = tiny_model(seed=5)
        model.set_weights(initial)
        actual = _fit_one_step(model, ratio, x, y)
    assert replicas == 2
    assert not all(np.allclose(a, b) for a, b in zip(initial, expected, strict=True))
    for a, e in zip(actual, expected, strict=True):
        np.testing.assert_allclose(a, e, rtol=1e-3, atol=1e-4)


@pytest.mark.skipif(
    keras.backend.backend() != "tensorflow",
    reason="per-replica programs exist only under tf.distribute; JAX draws one global matrix",
)
def test_each_replica_draws_its_rows_of_the_global_draw():
    import tensorflow as tf

    generator = keras.random.SeedGenerator(7)
    expected = ops.convert_to_numpy(keras.random.uniform((8, 5), seed=generator))
    with distribute.data_parallel(2):
        generator = keras.random.SeedGenerator(7)
        strategy = tf.distribute.get_strategy()
        draws = strategy.run(tf.function(lambda: distribute.uniform((4, 5), generator)))
    rows = [ops.convert_to_numpy(d) for d in strategy.experimental_local_results(draws)]
    assert not np.allclose(rows[0], rows[1])
    np.testing.assert_allclose(np.concatenate(rows), expected)


@needs_engine
def test_data_parallel_fit_follows_the_schedule_and_learns():
    x, y = random_batch(batch=32, seed=4)
    schedule = schedules.Linear(1.0, slope=0.05, floor=0.5)
    logged = []
    record = keras.callbacks.LambdaCallback(
        on_train_batch_end=lambda batch, logs: logged.append(logs["teacher_forcing_ratio"])
    )
    with distribute.data_parallel():
        model = tiny_model(seed=2)
        model.compile(optimizer=keras.optimizers.Adam(0.02))
        history = model.fit(
            x,
            y,
            batch_size=8,
            epochs=5,
            shuffle=False,
            verbose=0,
            callbacks=[callbacks.TeacherForcingSchedule(schedule), record],
        )
    np.testing.assert_allclose(logged, [schedule(i) for i in range(20)], atol=1e-6)
    losses = history.history["loss"]
    assert losses[-1] < 0.8 * losses[0]


@pytest.mark.skipif(not TORCH, reason="the PyTorch answer to data_parallel")
def test_data_parallel_on_torch_says_what_to_do_instead():
    with (
        pytest.raises(NotImplementedError, match="Data-parallel training"),
        distribute.data_parallel(),
    ):
        pass


@needs_engine
@pytest.mark.parametrize("bad", [0, 3, [], "cpu:0", True])
def test_data_parallel_rejects_bad_device_names(bad):
    with pytest.raises(ValueError, match="device_names"), distribute.data_parallel(bad):
        pass


def test_uniform_on_one_replica_is_keras_uniform():
    expected = keras.random.uniform((3, 4), seed=keras.random.SeedGenerator(5))
    actual = distribute.uniform((3, 4), keras.random.SeedGenerator(5))
    np.testing.assert_array_equal(ops.convert_to_numpy(actual), ops.convert_to_numpy(expected))


@needs_engine
@pytest.mark.slow
def test_data_parallel_example_runs_on_two_cpu_devices():
    script = pathlib.Path(__file__).resolve().parents[1] / "examples" / "data_parallel.py"
    result = subprocess.run(
        [sys.executable, str(script), "--cpu-devices", "2", "--samples", "256", "--epochs", "1"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert f"2 replicas on {keras.backend.backend()}" in result.stdout
    assert "held-out exact match" in result.stdout

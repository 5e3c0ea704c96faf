"""`Warmup`: the learning rate at each step, its validation, saving, and use by the CLI."""

import keras
import numpy as np
from helpers import assert_rejected
from keras import ops

from keras_seq2seq.cli import builder
from keras_seq2seq.cli.settings import TrainingSettings
from keras_seq2seq.training.learning_rates import Warmup


def _rates(schedule, steps):
    return [float(ops.convert_to_numpy(schedule(step))) for step in steps]


def test_linear_warmup_then_constant_or_inverse_square_root():
    steps = [0, 1, 3, 4, 8, 15, 99]  # optimizer iterations: step s + 1 is the rate's step
    constant = _rates(Warmup(1e-3, 4), steps)
    np.testing.assert_allclose(constant, [2.5e-4, 5e-4, 1e-3, 1e-3, 1e-3, 1e-3, 1e-3], rtol=1e-6)
    decayed = _rates(Warmup(1e-3, 4, decay="inverse_sqrt"), steps)
    expected = [2.5e-4, 5e-4, 1e-3, 1e-3 * np.sqrt(4 / 5), 1e-3 * np.sqrt(4 / 9), 5e-4, 2e-4]
    np.testing.assert_allclose(decayed, expected, rtol=1e-6)


def test_bad_arguments_and_config():
    assert_rejected(lambda: Warmup(0.0, 4), "learning_rate=0.0")
    assert_rejected(lambda: Warmup(1e-3, 0), "warmup_steps=0")
    assert_rejected(lambda: Warmup(1e-3, 4, decay="cosine"), "decay='cosine'")
    schedule = Warmup(1e-3, 4, decay="inverse_sqrt")
    restored = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(schedule))
    assert restored.get_config() == schedule.get_config()
    assert_rejected(lambda: TrainingSettings(decay="inverse_sqrt"), "warmup_steps of at least 1")


def test_the_builder_warms_up_only_when_asked():
    model = builder.compile_for_training(
        _model(), TrainingSettings(warmup_steps=10, decay="inverse_sqrt")
    )
    saved = model.optimizer.get_config()["learning_rate"]["config"]
    assert saved == {"learning_rate": 1e-3, "warmup_steps": 10, "decay": "inverse_sqrt"}
    plain = builder.compile_for_training(_model(), TrainingSettings())
    assert float(ops.convert_to_numpy(plain.optimizer.learning_rate)) == np.float32(1e-3)


def _model():
    from conftest import tiny_model

    return tiny_model()

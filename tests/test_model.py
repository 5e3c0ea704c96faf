import keras
import numpy as np
import pytest
from conftest import random_batch, tiny_model
from helpers import assert_rejected
from keras import ops

from keras_seq2seq import data
from keras_seq2seq.model import Seq2Seq
from keras_seq2seq.training.callbacks import TeacherForcingSchedule
from keras_seq2seq.training.schedules import Constant


def _logits(model, x):
    return ops.convert_to_numpy(model(x, training=False))


@pytest.mark.parametrize(
    "attention, input_feeding",
    [(None, True), ("luong", True), ("luong", False), ("bahdanau", True)],
)
def test_fit_evaluate_predict_contract(attention, input_feeding):
    model = tiny_model(attention=attention, input_feeding=input_feeding)
    model.compile(optimizer=keras.optimizers.Adam(0.01))
    model.teacher_forcing_ratio.assign(0.5)
    x, y = random_batch(batch=16)
    history = model.fit(x, y, batch_size=8, epochs=2, verbose=0)
    assert set(history.history) == {"loss", "accuracy", "exact_match", "teacher_forcing_ratio"}
    assert history.history["teacher_forcing_ratio"] == pytest.approx([0.5, 0.5])
    results = model.evaluate(x, y, verbose=0, return_dict=True)
    assert set(results) == {"loss", "accuracy", "exact_match"}
    assert model.predict(x, verbose=0).shape == (16, 5, 20)
    dict_inputs = {"source_ids": x[0], "decoder_input_ids": x[1]}
    np.testing.assert_allclose(_logits(model, dict_inputs), _logits(model, x), rtol=1e-6)


def test_run_eagerly_trains_with_scheduled_sampling():
    model = tiny_model()
    model.compile(optimizer="adam", run_eagerly=True)
    model.teacher_forcing_ratio.assign(0.5)
    x, y = random_batch(batch=8)
    history = model.fit(x, y, batch_size=4, epochs=1, verbose=0)
    assert history.history["teacher_forcing_ratio"] == pytest.approx([0.5])


def test_loss_at_ratio_one_equals_teacher_forcing():
    x, y = random_batch(batch=8)
    model = tiny_model()
    model.compile(optimizer=keras.optimizers.SGD(0.0))
    expected = model.evaluate(x, y, batch_size=8, verbose=0, return_dict=True)["loss"]
    logs = model.train_on_batch(x, y, return_dict=True)
    assert logs["loss"] == pytest.approx(expected, rel=1e-5)
    assert logs["teacher_forcing_ratio"] == 1.0


@pytest.mark.parametrize("input_feeding", [True, False])
def test_ratio_zero_trains_on_the_models_own_predictions(input_feeding):
    """With ratio 0, a train step is teacher forcing on the free-running decoder's own
    predictions: the same loss and the same updated weights (no gradient through the choice)."""
    x, y = random_batch(batch=8, pad=False)
    model = tiny_model(input_feeding=input_feeding)
    free = model(x, teacher_forced=np.zeros(x[1].shape, bool))
    predictions = ops.convert_to_numpy(free).argmax(-1).astype("int32")
    fed = np.concatenate([x[1][:, :1], predictions[:, :-1]], axis=1)
    reference = tiny_model(input_feeding=input_feeding)
    reference.set_weights(model.get_weights())
    for each in (model, reference):
        each.compile(optimizer=keras.optimizers.SGD(0.5))
    expected = reference.train_on_batch((x[0], fed), y, return_dict=True)
    model.teacher_forcing_ratio.assign(0.0)
    logs = model.train_on_batch(x, y, return_dict=True)
    assert logs["loss"] == pytest.approx(expected["loss"], rel=1e-5)
    assert logs["teacher_forcing_ratio"] == 0.0
    for trained, wanted in zip(model.trainable_weights, reference.trainable_weights, strict=True):
        np.testing.assert_allclose(
            ops.convert_to_numpy(trained), ops.convert_to_numpy(wanted), atol=1e-5
        )


@pytest.mark.parametrize("ratio", [0.0, 0.3, 0.75, 1.0])
def test_realized_fraction_matches_the_ratio(ratio):
    model = tiny_model()
    model.teacher_forcing_ratio.assign(ratio)
    decoder_inputs = np.ones((200, 101), "int32")
    used, choice = model.draw_teacher_forcing((np.ones((200, 3), "int32"), decoder_inputs))
    choice = ops.convert_to_numpy(choice)
    assert float(ops.convert_to_numpy(used)) == pytest.approx(ratio)
    assert choice[:, 0].all()
    assert choice[:, 1:].mean() == pytest.approx(ratio, abs=0.01)


def test_sampling_mode_trains_and_is_seeded():
    x, y = random_batch(batch=8)
    losses = []
    for _ in range(2):
        keras.utils.set_random_seed(7)
        model = tiny_model()
        model.prediction = "sample"
        model.compile(optimizer=keras.optimizers.Adam(0.01))
        model.teacher_forcing_ratio.assign(0.5)
        losses.append(model.fit(x, y, epochs=3, verbose=0).history["loss"])
    np.testing.assert_allclose(losses[0], losses[1], rtol=1e-5)


def test_schedule_callback_drives_the_logged_ratio_per_batch():
    seen = []

    class Record(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            seen.append(float(logs["teacher_forcing_ratio"]))

    schedule = TeacherForcingSchedule(lambda step: 1.0 - 0.1 * step, per="batch")
    model = tiny_model()
    model.compile(optimizer="adam")
    x, y = random_batch(batch=12)
    model.fit(x, y, batch_size=4, epochs=2, verbose=0, callbacks=[schedule, Record()])
    assert seen == pytest.approx([1.0 - 0.1 * i for i in range(6)])
    seen.clear()
    model.fit(x, y, batch_size=4, epochs=1, verbose=0, callbacks=[schedule, Record()])
    assert seen == pytest.approx([0.4, 0.3, 0.2]), "a second fit continues the schedule"


def test_schedule_callback_per_epoch():
    model = tiny_model()
    model.compile(optimizer="adam")
    x, y = random_batch(batch=8)
    schedule = TeacherForcingSchedule(lambda epoch: 0.5**epoch, per="epoch")
    history = model.fit(x, y, batch_size=4, epochs=3, verbose=0, callbacks=[schedule])
    assert history.history["teacher_forcing_ratio"] == pytest.approx([1.0, 0.5, 0.25])


def test_schedule_callback_rejects_bad_arguments():
    assert_rejected(lambda: TeacherForcingSchedule(Constant(0.5), per="step"), "per='step'")
    assert_rejected(lambda: TeacherForcingSchedule(0.5), "schedule=0.5")
    model = tiny_model()
    model.compile(optimizer="adam")
    x, y = random_batch(batch=4)
    assert_rejected(
        lambda: model.fit(x, y, verbose=0, callbacks=[TeacherForcingSchedule(lambda i: 1.5)]),
        "returned 1.5 at index 0",
    )


def test_save_and_load_round_trip(tmp_path):
    model = tiny_model(attention="bahdanau", encoder_kwargs={"bidirectional": True}, bridge="dense")
    model.compile(optimizer="adam")
    x, y = random_batch(batch=8)
    model.teacher_forcing_ratio.assign(0.25)
    model.fit(x, y, epochs=1, verbose=0)
    path = str(tmp_path / "model.keras")
    model.save(path)
    restored = keras.saving.load_model(path)
    assert isinstance(restored, Seq2Seq)
    np.testing.assert_allclose(_logits(restored, x), _logits(model, x), rtol=1e-5, atol=1e-6)
    assert float(ops.convert_to_numpy(restored.teacher_forcing_ratio)) == 0.25
    assert restored.encoder.get_config() == model.encoder.get_config()
    assert restored.decoder.attention.get_config() == model.decoder.attention.get_config()
    decoder_config, restored_decoder_config = (
        model.decoder.get_config(),
        restored.decoder.get_config(),
    )
    decoder_config.pop("attention"), restored_decoder_config.pop("attention")
    assert restored_decoder_config == decoder_config
    assert restored.compiled and int(restored.optimizer.iterations) == 1
    assert (restored.prediction, restored.seed) == (model.prediction, model.seed)
    restored.fit(x, y, epochs=1, verbose=0)


@pytest.mark.parametrize(
    "make_x, make_y, message",
    [
        (lambda x: (x[0].astype("float32"), x[1]), None, "source_ids.*float32"),
        (lambda x: (x[0], x[1].astype("float64")), None, "decoder_input_ids.*float64"),
        (lambda x: (x[0] + 100, x[1]), None, "source_ids.*id 1.*vocabulary of size 20"),
        (lambda x: (x[0], x[1][:, 1:]), None, "start token 1; row 0 starts with"),
        (lambda x: x, lambda y: y[:, :3], "labels.*shape"),
        (lambda x: x, lambda y: y + 30, "labels.*vocabulary of size 20"),
        (lambda x: (x[0], x[1][:, :0]), lambda y: y[:, :0], "length >= 1"),
    ],
)
def test_bad_data_is_rejected(make_x, make_y, message):
    model = tiny_model()
    model.compile(optimizer="adam")
    x, y = random_batch(batch=4, pad=False)
    assert_rejected(
        lambda: model.fit(make_x(x), y if make_y is None else make_y(y), verbose=0), message
    )


def test_bad_arguments():
    assert_rejected(
        lambda: tiny_model().__class__(
            tiny_model().encoder, tiny_model().decoder, teacher_forcing_ratio=1.5
        ),
        "teacher_forcing_ratio=1.5",
    )
    model = tiny_model()
    assert_rejected(
        lambda: Seq2Seq(model.encoder, model.decoder, prediction="beam"), "prediction='beam'"
    )
    assert_rejected(lambda: Seq2Seq(None, tiny_model().decoder), "encoder=None")
    assert_rejected(lambda: tiny_model()(np.ones((2, 3), "int32")), "inputs must be")


def test_add_start_and_end():
    decoder_inputs, labels = data.add_start_and_end([[7, 8], [9]], length=4)
    np.testing.assert_array_equal(decoder_inputs, [[1, 7, 8, 0], [1, 9, 0, 0]])
    np.testing.assert_array_equal(labels, [[7, 8, 2, 0], [9, 2, 0, 0]])
    assert_rejected(lambda: data.add_start_and_end([[7, 8]], length=2), "`length` 2")

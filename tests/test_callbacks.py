"""Training callbacks: the time budget (the teacher-forcing schedule is tested with the model)."""

import keras
from conftest import random_batch, tiny_model
from helpers import assert_rejected

from keras_seq2seq.callbacks import TimeBudget


def test_time_budget_stops_after_the_batch_that_crossed_it():
    model = tiny_model()
    model.compile(optimizer=keras.optimizers.SGD(0.1))
    x, y = random_batch(batch=8)
    history = model.fit(x, y, batch_size=2, epochs=5, verbose=0, callbacks=[TimeBudget(1e-9)])
    assert int(model.optimizer.iterations) == 1 and len(history.history["loss"]) == 1
    unlimited = model.fit(x, y, batch_size=2, epochs=2, verbose=0, callbacks=[TimeBudget(3600)])
    assert len(unlimited.history["loss"]) == 2


def test_time_budget_must_be_positive():
    assert_rejected(lambda: TimeBudget(0), "seconds=0")

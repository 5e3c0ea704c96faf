"""Training callbacks: the time budget and the validation scores (the teacher-forcing schedule is
tested with the model)."""

import keras
from conftest import random_batch, tiny_model
from helpers import assert_rejected

from keras_seq2seq.callbacks import TimeBudget, ValidationScores
from keras_seq2seq.scores import corpus_scores


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


def test_validation_scores_logs_the_bleu_and_chrf_of_the_translations(trained_translator):
    pairs = [("12", "one two"), ("7", "seven"), ("305", "three zero five")]
    callback = ValidationScores(trained_translator, pairs, batch_size=2)
    callback.set_model(trained_translator.model)
    logs = {"val_loss": 1.0}
    callback.on_epoch_end(0, logs)
    hypotheses = trained_translator.translate([s for s, _ in pairs])
    expected = corpus_scores(hypotheses, [t for _, t in pairs])
    assert logs == {"val_loss": 1.0, "val_bleu": expected["bleu"], "val_chrf": expected["chrf"]}
    assert 0.0 <= logs["val_bleu"] <= 100.0 and logs["val_chrf"] > 50.0  # it learned digits


def test_validation_scores_needs_pairs():
    assert_rejected(lambda: ValidationScores(None, []), r"pairs=\[\]")

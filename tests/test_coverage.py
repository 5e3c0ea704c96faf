"""The coverage loss: a hand computation, and the decoder adding it on every path."""

import numpy as np
import pytest
from helpers import assert_config_round_trip, assert_rejected
from keras import ops

from keras_seq2seq.layers.coverage import coverage_loss
from keras_seq2seq.layers.decoder import Decoder
from keras_seq2seq.layers.encoder import Encoder

SOURCE = np.array([[5, 6, 7, 0], [4, 5, 6, 7]], "int32")
TARGET = np.array([[1, 8, 9, 2, 0], [1, 4, 4, 4, 4]], "int32")


def test_coverage_loss_equals_a_hand_computation():
    weights = np.array([[[1.0, 0.0], [0.5, 0.5], [1.0, 0.0]]], "float32")
    # Coverage before each step: [0, 0], [1, 0], [1.5, 0.5]; the sums of minima: 0, 0.5, 1.
    assert float(coverage_loss(weights, np.ones((1, 3), bool))) == pytest.approx(1.5 / 3)
    assert float(coverage_loss(weights, np.array([[True, True, False]]))) == pytest.approx(0.25)


@pytest.mark.parametrize("input_feeding", [True, False])
@pytest.mark.parametrize("scheduled", [False, True])
def test_the_decoder_adds_the_weighted_loss_of_its_attention(input_feeding, scheduled):
    memory, mask, states = Encoder(20, 8, 6)(SOURCE)
    decoder = Decoder(
        20, 8, 6, attention="luong", input_feeding=input_feeding, coverage_loss_weight=2.0
    )
    teacher_forced = np.ones(TARGET.shape, bool) if scheduled else None  # the step loop
    decoder(TARGET, memory, mask, states, teacher_forced=teacher_forced)
    state = decoder.initial_state(states, 2)
    prepared = decoder.prepare_memory(memory, mask)
    weights = []
    for t in range(TARGET.shape[1]):
        _, state, step_weights = decoder.step(TARGET[:, t], state, prepared)
        weights.append(ops.convert_to_numpy(step_weights))
    expected = 2.0 * float(coverage_loss(np.stack(weights, axis=1), TARGET != 0))
    assert len(decoder.losses) == 1 and expected > 0
    assert float(ops.convert_to_numpy(decoder.losses[0])) == pytest.approx(expected, rel=1e-5)


def test_bad_arguments_and_config():
    assert_rejected(
        lambda: Decoder(20, attention=None, coverage_loss_weight=1.0), "needs attention"
    )
    assert_rejected(
        lambda: Decoder(20, attention="luong", coverage_loss_weight=-1.0),
        "coverage_loss_weight=-1.0",
    )
    decoder = assert_config_round_trip(Decoder(20, attention="luong", coverage_loss_weight=0.5))
    assert decoder.coverage_loss_weight == 0.5


def test_fit_and_evaluate_count_the_coverage_loss():
    from keras_seq2seq import Seq2Seq
    from keras_seq2seq.data.arrays import add_start_and_end

    rows = [[5, 6, 7], [4, 5, 6, 7]]
    decoder_input, labels = add_start_and_end(rows)
    inputs = (SOURCE, decoder_input)
    models = []
    for weight in (1.0, 0.0):
        model = Seq2Seq(Encoder(20, 8, 6), Decoder(20, 8, 6, attention="luong",
                                                   coverage_loss_weight=weight))  # fmt: skip
        model.compile(optimizer="adam")
        models.append(model)
    models[1].set_weights(models[0].get_weights())
    with_coverage, without = (m.evaluate(inputs, labels, verbose=0)[0] for m in models)
    models[0](inputs)
    added = float(ops.convert_to_numpy(models[0].losses[0]))
    assert added > 0 and with_coverage - without == pytest.approx(added, rel=1e-4)
    history = models[0].fit(inputs, labels, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])

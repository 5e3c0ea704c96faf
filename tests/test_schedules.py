import pytest
from helpers import assert_config_round_trip, assert_rejected

from keras_seq2seq import schedules


def test_published_values():
    assert schedules.Constant(0.9)(5) == pytest.approx(0.9)
    assert schedules.Exponential(0.8)(5) == pytest.approx(0.32768)
    assert schedules.InverseSigmoid(1.0)(5) == pytest.approx(0.0066929, abs=1e-7)
    assert schedules.InverseSigmoid(1.0)(0) == pytest.approx(0.5)


def test_linear_decays_to_its_floor():
    schedule = schedules.Linear(start=1.0, slope=0.1, floor=0.25)
    assert [schedule(i) for i in (0, 1, 5)] == pytest.approx([1.0, 0.9, 0.5])
    assert schedule(7) == pytest.approx(0.3)
    assert schedule(8) == pytest.approx(0.25)
    assert schedule(10_000) == pytest.approx(0.25)


def test_inverse_sigmoid_does_not_overflow():
    assert schedules.InverseSigmoid(1.0)(10**6) == 0.0


@pytest.mark.parametrize(
    "schedule",
    [
        schedules.Constant(0.3),
        schedules.Linear(0.9, 0.01, 0.2),
        schedules.Exponential(0.99),
        schedules.InverseSigmoid(50.0),
    ],
)
def test_serialization_round_trip(schedule):
    restored = assert_config_round_trip(schedule)
    assert [restored(i) for i in range(0, 200, 17)] == [schedule(i) for i in range(0, 200, 17)]


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: schedules.Constant(1.5), "ratio=1.5"),
        (lambda: schedules.Constant(-0.1), "ratio=-0.1"),
        (lambda: schedules.Constant("0.5"), "ratio='0.5'"),
        (lambda: schedules.Linear(slope=-1.0), "slope=-1.0"),
        (lambda: schedules.Linear(start=0.2, floor=0.5), "floor=0.5"),
        (lambda: schedules.Exponential(0.0), "k=0.0"),
        (lambda: schedules.Exponential(1.2), "k=1.2"),
        (lambda: schedules.InverseSigmoid(0.5), "k=0.5"),
        (lambda: schedules.Exponential("0.5"), "k='0.5'"),
        (lambda: schedules.InverseSigmoid(float("inf")), "k=inf"),
        (lambda: schedules.Linear(slope=float("nan")), "slope=nan"),
    ],
)
def test_bad_arguments_name_the_value(make, message):
    assert_rejected(make, message)


def test_negative_index_is_rejected():
    assert_rejected(lambda: schedules.Constant(0.5)(-1), "index=-1")

"""Teacher-forcing schedules: the probability of feeding the true previous token.

Each schedule is a serializable callable of a step (or epoch) index that returns a ratio in
[0, 1]. The conventions follow OpenNMT-tf's scheduled-sampling decays (Bengio et al. 2015),
expressed as the teacher-forcing ratio rather than the sampling probability.
"""

import math

import keras

from keras_seq2seq import validation

_PACKAGE = "keras_seq2seq"


@keras.saving.register_keras_serializable(package=_PACKAGE)
class Schedule:
    """Base class of teacher-forcing schedules.

    Subclasses implement `ratio(index)`; calling the schedule validates the index and clips the
    result to [0, 1].
    """

    def __call__(self, index: int) -> float:
        return min(1.0, max(0.0, float(self.ratio(validation.non_negative_int("index", index)))))

    def ratio(self, index: int) -> float:
        raise NotImplementedError

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config: dict) -> "Schedule":
        return cls(**config)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


@keras.saving.register_keras_serializable(package=_PACKAGE)
class Constant(Schedule):
    """A constant teacher-forcing ratio.

    Args:
        ratio: the probability in [0, 1] of feeding the true previous token.

    Example:
    >>> Constant(0.9)(100)
    0.9
    """

    def __init__(self, ratio: float = 1.0):
        self.ratio_value = validation.unit_interval("ratio", ratio)

    def ratio(self, index: int) -> float:
        return self.ratio_value

    def get_config(self) -> dict:
        return {"ratio": self.ratio_value}


@keras.saving.register_keras_serializable(package=_PACKAGE)
class Linear(Schedule):
    """A linear decay `max(floor, start - slope * index)`.

    Args:
        start: the ratio at index 0, in [0, 1].
        slope: the decrease per index, non-negative.
        floor: the lowest ratio, in [0, 1] and at most `start`.

    Example:
    >>> Linear(start=1.0, slope=0.25, floor=0.1)(3)
    0.25
    """

    def __init__(self, start: float = 1.0, slope: float = 0.001, floor: float = 0.0):
        self.start = validation.unit_interval("start", start)
        self.floor = validation.unit_interval("floor", floor)
        if self.floor > self.start:
            raise ValueError(
                f"`floor` must not exceed `start`. Received: floor={floor!r}, start={start!r}"
            )
        self.slope = validation.number("slope", slope, minimum=0.0)

    def ratio(self, index: int) -> float:
        return max(self.floor, self.start - self.slope * index)

    def get_config(self) -> dict:
        return {"start": self.start, "slope": self.slope, "floor": self.floor}


@keras.saving.register_keras_serializable(package=_PACKAGE)
class Exponential(Schedule):
    """An exponential decay `k ** index`.

    Args:
        k: the decay base, in (0, 1].

    Example:
    >>> round(Exponential(0.8)(5), 5)
    0.32768
    """

    def __init__(self, k: float = 0.999):
        self.k = validation.number("k", k, minimum=0.0, exclusive=True)
        if self.k > 1.0:
            raise ValueError(f"`k` must be a number in (0, 1]. Received: k={k!r}")

    def ratio(self, index: int) -> float:
        return self.k**index

    def get_config(self) -> dict:
        return {"k": self.k}


@keras.saving.register_keras_serializable(package=_PACKAGE)
class InverseSigmoid(Schedule):
    """An inverse-sigmoid decay `k / (k + exp(index / k))`.

    Args:
        k: the decay constant, at least 1; larger values decay later.

    Example:
    >>> round(InverseSigmoid(1.0)(5), 7)
    0.0066929
    """

    def __init__(self, k: float = 1000.0):
        self.k = validation.number("k", k, minimum=1.0)

    def ratio(self, index: int) -> float:
        exponent = index / self.k
        if exponent > 700.0:  # exp would overflow; the ratio is 0 to float precision.
            return 0.0
        return self.k / (self.k + math.exp(exponent))

    def get_config(self) -> dict:
        return {"k": self.k}

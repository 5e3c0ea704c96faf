"""Learning-rate schedules: linear warm-up, then a constant rate or inverse-square-root decay."""

import keras
from keras import ops

from keras_seq2seq import validation
from keras_seq2seq.choices import DECAYS


@keras.saving.register_keras_serializable(package="keras_seq2seq")
class Warmup(keras.optimizers.schedules.LearningRateSchedule):
    """A linear warm-up to `learning_rate` over `warmup_steps` steps, then `decay`.

    At step `s` (counted from 1) the rate is `learning_rate * min(1, s / warmup_steps)` times
    the decay factor: 1 for `"none"`, `min(1, sqrt(warmup_steps / s))` for `"inverse_sqrt"`
    (the Transformer schedule of Vaswani et al. 2017, as in OpenNMT's `noam`, peaking at
    `learning_rate`). Warm-up keeps Adam's first, poorly estimated updates small; the decay lets
    later epochs settle.

    Args:
        learning_rate: the peak rate, above 0.
        warmup_steps: the steps of the warm-up, at least 1.
        decay: `"none"` or `"inverse_sqrt"`.

    Call arguments:
        step: the optimizer's step count (`optimizer.iterations`, from 0).

    Returns:
        The float32 learning rate of that step, a scalar.

    Example:
    ```python
    optimizer = keras.optimizers.Adam(Warmup(1e-3, warmup_steps=1000, decay="inverse_sqrt"))
    ```
    """

    def __init__(self, learning_rate: float, warmup_steps: int, decay: str = "none"):
        self.learning_rate = validation.number("learning_rate", learning_rate, 0.0, exclusive=True)
        self.warmup_steps = validation.positive_int("warmup_steps", warmup_steps)
        self.decay = validation.one_of("decay", decay, DECAYS)

    def __call__(self, step):
        step = ops.cast(step, "float32") + 1.0
        warmup = float(self.warmup_steps)
        factor = ops.minimum(1.0, step / warmup)
        if self.decay == "inverse_sqrt":
            factor = factor * ops.minimum(1.0, ops.sqrt(warmup / step))
        return self.learning_rate * factor

    def get_config(self) -> dict:
        return {
            "learning_rate": self.learning_rate,
            "warmup_steps": self.warmup_steps,
            "decay": self.decay,
        }

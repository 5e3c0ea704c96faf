"""Training callbacks: the teacher-forcing schedule of a `Seq2Seq` model, a time budget, and the
BLEU and chrF of the validation translations."""

import time
from typing import TYPE_CHECKING

import keras
from keras import ops

from keras_seq2seq import validation
from keras_seq2seq.scores import corpus_scores
from keras_seq2seq.training.schedules import Schedule

if TYPE_CHECKING:  # the Translator imports the training package; only its type is needed here
    from keras_seq2seq.serving.translator import Translator


@keras.saving.register_keras_serializable(package="keras_seq2seq")
class TeacherForcingSchedule(keras.callbacks.Callback):
    """Sets the model's teacher-forcing ratio from a schedule, per batch or per epoch.

    The ratio is written to the model's `teacher_forcing_ratio` variable before each batch (or
    epoch), so the train step of that batch uses exactly the schedule's value; the train step
    reports it as `teacher_forcing_ratio` in the logs. With `per="batch"` the index is the
    optimizer's step count, so a second `fit` call continues the schedule instead of restarting it
    (with `steps_per_execution=k`, Keras calls callbacks once per k steps, so the ratio is set once
    per k steps). With `per="epoch"` the index is the epoch number (`initial_epoch` included).

    Args:
        schedule: a `keras_seq2seq.schedules.Schedule` (or any callable of an int index that
            returns a ratio in [0, 1]).
        per: `"batch"` or `"epoch"`.

    Example:
    ```python
    callback = TeacherForcingSchedule(schedules.InverseSigmoid(k=500), per="batch")
    model.fit(x, y, epochs=10, callbacks=[callback])
    ```
    """

    def __init__(self, schedule: Schedule, per: str = "batch"):
        super().__init__()
        if not callable(schedule):
            raise ValueError(f"`schedule` must be callable. Received: schedule={schedule!r}")
        self.schedule = schedule
        self.per = validation.one_of("per", per, ("batch", "epoch"))

    def _set_ratio(self, index: int) -> None:
        ratio = float(self.schedule(index))
        if not 0.0 <= ratio <= 1.0:
            raise ValueError(
                f"The schedule returned {ratio!r} at index {index}; ratios must be in [0, 1]."
            )
        # Always go through `self.model`: on JAX that access syncs the trainer's state, so the
        # assignment reaches the next train step instead of being overwritten.
        self.model.teacher_forcing_ratio.assign(ratio)

    def on_train_begin(self, logs: dict | None = None) -> None:
        if not hasattr(self.model, "teacher_forcing_ratio"):
            raise ValueError(
                "TeacherForcingSchedule needs a model with a `teacher_forcing_ratio` variable "
                f"(a keras_seq2seq.Seq2Seq). Received: {type(self.model).__name__}"
            )

    def on_train_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        if self.per == "batch":
            self._set_ratio(int(ops.convert_to_numpy(self.model.optimizer.iterations)))

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        if self.per == "epoch":
            self._set_ratio(epoch)

    def get_config(self) -> dict:
        return {"schedule": keras.saving.serialize_keras_object(self.schedule), "per": self.per}

    @classmethod
    def from_config(cls, config: dict) -> "TeacherForcingSchedule":
        config = dict(config)
        config["schedule"] = keras.saving.deserialize_keras_object(config["schedule"])
        return cls(**config)


class TimeBudget(keras.callbacks.Callback):
    """Stops training once `seconds` of wall time have passed since `fit` began.

    Checked after every batch, so training ends after the batch that crossed the budget; the
    epoch's end callbacks (validation, checkpoints) still run.

    Args:
        seconds: the budget, a number > 0.

    Example:
    ```python
    model.fit(dataset, epochs=100, callbacks=[TimeBudget(25 * 60)])
    ```
    """

    def __init__(self, seconds: float):
        super().__init__()
        self.seconds = validation.number("seconds", seconds, 0.0, exclusive=True)

    def on_train_begin(self, logs: dict | None = None) -> None:
        self.start = time.monotonic()

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        if time.monotonic() - self.start > self.seconds:
            self.model.stop_training = True


class ValidationScores(keras.callbacks.Callback):
    """Translates validation sources after every epoch and logs the corpus BLEU and chrF of the
    translations as `val_bleu` and `val_chrf`.

    Callbacks after it in the list (best-model saving, `keras.callbacks.EarlyStopping`,
    `CSVLogger`) see both entries, so a run can keep the epoch that translates best rather than
    the one with the lowest validation loss (OpenNMT-tf's `early_stopping` on a scorer).

    Args:
        translator: a `Translator` over the model being trained; its sampler decodes (greedy
            search is the cheap choice).
        pairs: `(source, reference)` strings.
        batch_size: texts decoded at once.

    Example:
    ```python
    scorer = Translator(source, target, model, sampler=samplers.Greedy())
    model.fit(data, epochs=10, callbacks=[ValidationScores(scorer, valid_pairs)])
    ```
    """

    def __init__(
        self, translator: "Translator", pairs: list[tuple[str, str]], batch_size: int = 64
    ):
        super().__init__()
        if not pairs:
            raise ValueError("ValidationScores needs at least one pair. Received: pairs=[]")
        self.translator = translator
        self.pairs = pairs
        self.batch_size = validation.positive_int("batch_size", batch_size)

    def evaluate(self) -> dict[str, float]:
        """The scores of the translator's model as it is now: `val_bleu` and `val_chrf`."""
        sources, references = zip(*self.pairs, strict=True)
        hypotheses = self.translator.translate(list(sources), batch_size=self.batch_size)
        scores = corpus_scores(hypotheses, list(references))
        return {f"val_{name}": value for name, value in scores.items()}

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        _ = self.model  # on JAX, syncs the trainer's state into the variables the decoder reads
        if logs is not None:
            logs.update(self.evaluate())

"""Training callbacks: the teacher-forcing schedule of a `Seq2Seq` model, and a time budget.

The public path of `keras_seq2seq.training.callbacks`, where it is implemented.
"""

from keras_seq2seq.training.callbacks import (
    TeacherForcingSchedule,
    TimeBudget,
)

__all__ = [
    "TeacherForcingSchedule",
    "TimeBudget",
]

"""Training callbacks: the teacher-forcing schedule of a `Seq2Seq` model, a time budget, and the
BLEU and chrF of the validation translations.

The public path of `keras_seq2seq.training.callbacks`, where it is implemented.
"""

from keras_seq2seq.training.callbacks import (
    TeacherForcingSchedule,
    TimeBudget,
    ValidationScores,
)

__all__ = [
    "TeacherForcingSchedule",
    "TimeBudget",
    "ValidationScores",
]

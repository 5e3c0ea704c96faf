"""Date normalization: dates written the way real locales write them, mapped to ISO 8601.

The public path of `keras_seq2seq.data.dates`, where it is implemented.
"""

from keras_seq2seq.data.dates import (
    FIRST_DATE,
    FORMATS,
    LAST_DATE,
    LOCALES,
    MONTH_FIRST,
    SPLITS,
    date_pairs,
    is_test_date,
    locale_formats,
)

__all__ = [
    "FIRST_DATE",
    "FORMATS",
    "LAST_DATE",
    "LOCALES",
    "MONTH_FIRST",
    "SPLITS",
    "date_pairs",
    "is_test_date",
    "locale_formats",
]

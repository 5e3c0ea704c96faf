"""Date normalization: dates written the way real locales write them, mapped to ISO 8601.

The formats come from the CLDR data in the Babel package ("mercredi 25 novembre 2026",
"25.11.26", "2026年11月25日" -> "2026-11-25"). The task is the demo's and the quickstart
notebook's: small, multilingual, and exactly checkable.
"""

import datetime

import numpy as np

from keras_seq2seq import validation

# 24 locales, several scripts. Every locale contributes Babel's four standard formats, except the
# month-first numeric ones (en_US "11/25/26"): the source carries no locale, and "05/06/26" is
# the 6th of May there but the 5th of June everywhere else.
LOCALES = (
    "en_US", "en_GB", "fr_FR", "de_DE", "es_ES", "it_IT", "pt_BR", "nl_NL",
    "sv_SE", "pl_PL", "ru_RU", "uk_UA", "tr_TR", "ja_JP", "zh_CN", "ko_KR",
    "ar_EG", "hi_IN", "vi_VN", "id_ID", "cs_CZ", "el_GR", "fi_FI", "hu_HU",
)  # fmt: skip
FORMATS = ("full", "long", "medium", "short")
MONTH_FIRST = {("en_US", "short")}
# A century, so that two-digit years ("25.11.26") name one date.
FIRST_DATE = datetime.date(1950, 1, 1)
LAST_DATE = datetime.date(2049, 12, 31)
SPLITS = ("train", "test")


def locale_formats(locales: tuple[str, ...] = LOCALES) -> list[tuple[str, str]]:
    """The `(locale, format)` pairs the task draws from: every format but the month-first ones."""
    return [(loc, f) for loc in locales for f in FORMATS if (loc, f) not in MONTH_FIRST]


def is_test_date(date: datetime.date, test_fraction: float = 0.1) -> bool:
    """Whether `date` is held out for testing: a fixed hash of the day, the same on every run."""
    hashed = (date.toordinal() * 2654435761) % 2**32  # Knuth's multiplicative hash
    return hashed < test_fraction * 2**32


def date_pairs(
    num_samples: int,
    split: str = "train",
    seed: int | None = None,
    locales: tuple[str, ...] = LOCALES,
    test_fraction: float = 0.1,
) -> list[tuple[str, str]]:
    """Pairs `(date as a locale writes it, the ISO date)`, drawn uniformly from 1950-2049.

    Each pair draws a date from the split, a locale and one of its formats. The `"train"` and
    `"test"` splits never share a date (`is_test_date`), whatever the seeds.

    Args:
        num_samples: how many pairs.
        split: `"train"` or `"test"`.
        seed: the random seed.
        locales: Babel locale names to draw from.
        test_fraction: the share of all dates held out for `"test"`, in (0, 1).

    Returns:
        A list of `num_samples` `(source, target)` string pairs; targets are `YYYY-MM-DD`.

    Example:
    >>> date_pairs(2, seed=0)
    [('2035년 1월 24일', '2035-01-24'), ('11 de fev. de 2001', '2001-02-11')]
    """
    from babel.dates import format_date

    validation.positive_int("num_samples", num_samples)
    validation.one_of("split", split, SPLITS)
    if not locales:
        raise ValueError(f"`locales` must name at least one locale. Received: locales={locales!r}")
    if not 0 < test_fraction < 1:
        raise ValueError(
            f"`test_fraction` must be in (0, 1). Received: test_fraction={test_fraction!r}"
        )
    first, last = FIRST_DATE.toordinal(), LAST_DATE.toordinal()
    choices = locale_formats(locales)
    rng = np.random.default_rng(seed)
    pairs = []
    while len(pairs) < num_samples:
        date = datetime.date.fromordinal(int(rng.integers(first, last + 1)))
        if is_test_date(date, test_fraction) != (split == "test"):
            continue
        locale, form = choices[rng.integers(len(choices))]
        pairs.append((format_date(date, form, locale=locale), date.isoformat()))
    return pairs

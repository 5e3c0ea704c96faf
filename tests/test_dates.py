"""The date-normalization task: locales, formats, valid ISO targets, splits, no ambiguity."""

import datetime
import itertools

import pytest
from babel.dates import format_date
from helpers import assert_rejected

from keras_seq2seq import dates


def test_many_locales_with_several_formats_each():
    assert len(dates.LOCALES) >= 20
    day = datetime.date(2026, 11, 25)
    for locale in dates.LOCALES:
        written = {
            format_date(day, form, locale=locale) for _, form in dates.locale_formats((locale,))
        }
        assert len(written) >= 3, (locale, written)


@pytest.mark.parametrize("split", dates.SPLITS)
def test_targets_are_valid_iso_dates_of_the_split(split):
    pairs = dates.date_pairs(2000, split, seed=0)
    assert len(pairs) == 2000
    for source, target in pairs:
        day = datetime.date.fromisoformat(target)
        assert day.isoformat() == target and source
        assert dates.FIRST_DATE <= day <= dates.LAST_DATE
        assert dates.is_test_date(day) == (split == "test")


def test_seeded_and_covering_the_scripts():
    pairs = dates.date_pairs(3000, seed=5)
    assert pairs == dates.date_pairs(3000, seed=5)
    assert pairs != dates.date_pairs(3000, seed=6)
    sources = " ".join(source for source, _ in pairs)
    for mark in ("年", "년", "ноя", "Νοε", "نوفمبر", "नवंबर", "novembre", "November"):
        assert mark in sources, mark


def test_locales_argument():
    for source, _ in dates.date_pairs(50, seed=0, locales=("ja_JP",)):
        assert "年" in source or "/" in source


def test_held_out_share():
    days = [dates.FIRST_DATE + datetime.timedelta(n) for n in range(0, 36500, 7)]
    share = sum(map(dates.is_test_date, days)) / len(days)
    assert 0.08 < share < 0.12


def test_no_source_names_two_dates():
    # Ambiguity needs two dates whose day, month and two-digit year are a permutation of each
    # other; every permutation of these triples is a date, written in every locale and format.
    dates_written = {}
    for triple in [(1, 2, 3), (5, 6, 7), (3, 11, 12), (10, 11, 12), (7, 7, 8), (12, 1, 9)]:
        for day, month, year in set(itertools.permutations(triple)):
            if month <= 12:
                dates_written[datetime.date(2000 + year, month, day)] = None
    seen = {}
    for locale, form in dates.locale_formats():
        for day in dates_written:
            source = format_date(day, form, locale=locale)
            assert seen.setdefault(source, day) == day, (source, locale, form)


def test_bad_arguments():
    assert_rejected(lambda: dates.date_pairs(0), "num_samples=0")
    assert_rejected(lambda: dates.date_pairs(5, split="dev"), "split='dev'")
    assert_rejected(lambda: dates.date_pairs(5, locales=()), "locales=()")
    assert_rejected(lambda: dates.date_pairs(5, test_fraction=1), "test_fraction=1")

"""Summarization pairs read from a Debian `Translation-en` file: description to synopsis."""

from helpers import assert_rejected

from keras_seq2seq import datasets
from keras_seq2seq.data.debian import _description_pairs

TRANSLATION_EN = """Package: 0ad
Description-md5: d943033bedada21853d2ae54a2578a7b
Description-en: Real-time strategy game of ancient warfare
 0 A.D. (pronounced "zero ey-dee") is a free, open-source, cross-platform
 real-time strategy (RTS) game.
 .
 Second   paragraph.

Package: no-description
Description-md5: 0

Package: synopsis-only
Description-en: nothing more

Package: foo-dev
Description-en: Development files for foo
 Headers für foo.
"""


def test_descriptions_join_their_paragraphs_and_need_a_body():
    assert _description_pairs(TRANSLATION_EN) == [
        (
            "0ad",
            '0 A.D. (pronounced "zero ey-dee") is a free, open-source, cross-platform '
            "real-time strategy (RTS) game. Second paragraph.",
            "Real-time strategy game of ancient warfare",
        ),
        ("foo-dev", "Headers für foo.", "Development files for foo"),
    ]
    assert _description_pairs(TRANSLATION_EN, max_characters=8)[0][1] == "0 A.D. ("


def test_package_families_stay_in_one_split():
    text = "\n".join(
        f"Package: fam{i}{suffix}\nDescription-en: s {i}\n body {i}\n"
        for i in range(60)
        for suffix in ("", "-dev", "-doc")
    )
    splits = [datasets.debian_summary_pairs(text, s, 0.3, 0.3) for s in ("train", "valid", "test")]
    assert sum(map(len, splits)) == 180 and all(len(pairs) % 3 == 0 and pairs for pairs in splits)
    assert_rejected(lambda: datasets.debian_summary_pairs(text, "dev"), "split='dev'")
    assert_rejected(lambda: _description_pairs(text, max_characters=0), "max_characters=0")

"""Summarization pairs from Debian's package descriptions: a package's long description to the
one-line synopsis its maintainer wrote, read from a `Translation-en` file (the format of
`dists/<release>/main/i18n/Translation-en` in a Debian archive).

Packages are split into train, valid and test by a hash of their family (the name up to the
first `-`), so `foo`, `foo-dev` and `foo-doc` stay in one set.
"""

from collections.abc import Iterator

from keras_seq2seq import validation
from keras_seq2seq.data.splits import check_split, split_of


def _stanzas(text: str) -> Iterator[dict[str, list[str]]]:
    """Each stanza's fields: name to lines (the value on the field's line, then its continuation
    lines without their leading space)."""
    fields: dict[str, list[str]] = {}
    name = None
    for line in [*text.splitlines(), ""]:
        if not line.strip():
            if fields:
                yield fields
            fields, name = {}, None
        elif line[0] in " \t":
            if name is not None:
                fields[name].append(line[1:])
        elif ":" in line:
            name, value = line.split(":", 1)
            fields[name] = [value.strip()]


def _description_pairs(text: str, max_characters: int = 1000) -> list[tuple[str, str, str]]:
    """`(package, long description, synopsis)` of every package in `Translation-en` text that
    has both; the description's paragraphs joined by spaces and cut at `max_characters`."""
    validation.positive_int("max_characters", max_characters)
    pairs = []
    for fields in _stanzas(text):
        package, lines = fields.get("Package", [""])[0], fields.get("Description-en")
        if not package or not lines:
            continue
        synopsis = " ".join(lines[0].split())
        words = [word for line in lines[1:] if line.strip() != "." for word in line.split()]
        body = " ".join(words)[:max_characters].rstrip()
        if synopsis and body:
            pairs.append((package, body, synopsis))
    return pairs


def debian_summary_pairs(
    text: str,
    split: str = "train",
    valid_fraction: float = 0.05,
    test_fraction: float = 0.05,
    max_characters: int = 1000,
) -> list[tuple[str, str]]:
    """`(long description, synopsis)` pairs of one split of a `Translation-en` file's text.

    Args:
        text: the file's text (decompressed).
        split: `"train"`, `"valid"` or `"test"`.
        valid_fraction: the share of package families in valid.
        test_fraction: the share in test.
        max_characters: descriptions are cut to this many characters.

    Returns:
        A list of `(description, synopsis)` strings, in file order.

    Example:
    ```python
    import bz2
    text = bz2.open("Translation-en.bz2", "rt", encoding="utf-8").read()
    pairs = debian_summary_pairs(text, "train")
    ```
    """
    check_split(split, valid_fraction, test_fraction)
    return [
        (description, synopsis)
        for package, description, synopsis in _description_pairs(text, max_characters)
        if split_of(package.split("-")[0], valid_fraction, test_fraction) == split
    ]

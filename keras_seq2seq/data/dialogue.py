"""Dialogue pairs from the `chatterbot-corpus` package: real conversations in many languages,
as YAML files installed with it (no download at run time).

Each conversation is a list of turns; every turn but the last makes an `(utterance, reply)`
pair with the next. Conversations are split into train, valid and test by a hash of their first
turn, so conversations that open alike (the corpus has many "Hi, How is it going?") never cross
sets. The corpus is small (about 1,700 English pairs): enough to show a model replying, not to
make a good chatbot.
"""

import itertools
import os

from keras_seq2seq import validation
from keras_seq2seq.data.splits import check_split, split_of


def _data_dir() -> str:
    try:
        import chatterbot_corpus
    except ImportError:
        raise ImportError(
            "Dialogue pairs are read from the chatterbot-corpus package: "
            "pip install 'keras-seq2seq[dialogue]' (or chatterbot-corpus and pyyaml)."
        ) from None
    return os.path.join(os.path.dirname(chatterbot_corpus.__file__), "data")


def chatterbot_languages() -> list[str]:
    """The languages the installed corpus has, e.g. `["bengali", "chinese", "english", ...]`."""
    directory = _data_dir()
    return sorted(n for n in os.listdir(directory) if os.path.isdir(os.path.join(directory, n)))


def chatterbot_pairs(
    language: str = "english",
    split: str = "train",
    valid_fraction: float = 0.1,
    test_fraction: float = 0.1,
) -> list[tuple[str, str]]:
    """The `(utterance, reply)` pairs of one language and split, in file order.

    Args:
        language: a directory of the corpus (`chatterbot_languages()`).
        split: `"train"`, `"valid"` or `"test"`.
        valid_fraction: the share of conversations (by opening turn) in valid.
        test_fraction: the share in test.

    Returns:
        A list of `(utterance, reply)` strings.

    Example:
    ```python
    pairs = chatterbot_pairs("english", "train")  # [("Hello", "Hi"), ...]
    ```
    """
    import yaml  # installed with chatterbot-corpus (the `dialogue` extra)

    check_split(split, valid_fraction, test_fraction)
    languages = chatterbot_languages()
    validation.one_of("language", language, languages)
    directory = os.path.join(_data_dir(), language)
    pairs = []
    for name in sorted(os.listdir(directory)):
        if not name.endswith((".yml", ".yaml")):
            continue
        with open(os.path.join(directory, name), encoding="utf-8") as file:
            conversations = (yaml.safe_load(file) or {}).get("conversations") or []
        for conversation in conversations:
            turns = [str(turn).strip() for turn in conversation or [] if turn is not None]
            turns = [turn for turn in turns if turn]
            if len(turns) < 2:
                continue
            if split_of(turns[0].lower(), valid_fraction, test_fraction) == split:
                pairs.extend(itertools.pairwise(turns))
    return pairs

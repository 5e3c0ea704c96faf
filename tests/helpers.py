"""Shared test helpers: the Keras serialization round trip, the bad-argument check and TSV files."""

from collections.abc import Callable
from typing import TypeVar

import keras
import pytest

T = TypeVar("T")


def round_trip(obj: T) -> T:
    """Serializes `obj` with Keras and deserializes the result; returns the restored copy."""
    return keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(obj))


def assert_config_round_trip(obj: T) -> T:
    """Asserts `round_trip(obj)` keeps the type and `get_config()` of `obj`; returns the copy."""
    restored = round_trip(obj)
    assert type(restored) is type(obj)
    assert restored.get_config() == obj.get_config()
    return restored


def assert_rejected(make: Callable[[], object], message: str) -> None:
    """Asserts that `make()` raises a `ValueError` whose text matches the regex `message`."""
    with pytest.raises(ValueError, match=message):
        make()


def write_tsv(path, pairs) -> str:
    """Writes `(source, target)` pairs as a UTF-8 `source<TAB>target` file; returns its path."""
    path.write_text("".join(f"{s}\t{t}\n" for s, t in pairs), encoding="utf-8")
    return str(path)

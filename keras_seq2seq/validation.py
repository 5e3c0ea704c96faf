"""Argument checks shared by the public classes; every message names the argument and value."""

import math
import numbers
import warnings
from collections.abc import Iterable


def _is_number(value) -> bool:
    return (
        isinstance(value, numbers.Real)
        and not isinstance(value, bool)
        and math.isfinite(float(value))
    )


def _is_int(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def positive_int(name: str, value) -> int:
    if not _is_int(value) or value < 1:
        raise ValueError(f"`{name}` must be a positive int. Received: {name}={value!r}")
    return int(value)


def non_negative_int(name: str, value) -> int:
    if not _is_int(value) or value < 0:
        raise ValueError(f"`{name}` must be a non-negative int. Received: {name}={value!r}")
    return int(value)


def integer_ids(name: str, ids) -> None:
    """Rejects a tensor of ids whose dtype is not an integer type."""
    if "int" not in str(ids.dtype):
        raise ValueError(f"`{name}` must be integer ids. Received dtype={ids.dtype}")


def unit_interval(name: str, value, include_one: bool = True) -> float:
    inside = _is_number(value) and value >= 0.0 and (value <= 1.0 if include_one else value < 1.0)
    if not inside:
        interval = "[0, 1]" if include_one else "[0, 1)"
        raise ValueError(f"`{name}` must be a number in {interval}. Received: {name}={value!r}")
    return float(value)


def fraction(name: str, value) -> float:
    """A number in (0, 1]."""
    if not _is_number(value) or not 0.0 < value <= 1.0:
        raise ValueError(f"`{name}` must be a number in (0, 1]. Received: {name}={value!r}")
    return float(value)


def one_of(name: str, value, allowed: Iterable):
    allowed = tuple(allowed)
    if value not in allowed:
        options = ", ".join(repr(a) for a in allowed)
        raise ValueError(f"`{name}` must be one of {options}. Received: {name}={value!r}")
    return value


def number(name: str, value, minimum: float | None = None, exclusive: bool = False) -> float:
    """A finite number, at least (or, with `exclusive`, above) `minimum`."""
    too_small = not _is_number(value) or (
        minimum is not None and (value <= minimum if exclusive else value < minimum)
    )
    if too_small:
        bound = "" if minimum is None else f" {'>' if exclusive else '>='} {minimum}"
        raise ValueError(f"`{name}` must be a number{bound}. Received: {name}={value!r}")
    return float(value)


def renamed(old_name: str, old_value, new_name: str, new_value, new_default=None):
    """The value of an argument renamed from `old_name` to `new_name` (old is None if unset).

    The old spelling still works for one release, with a `DeprecationWarning`; giving both is an
    error.
    """
    if old_value is None:
        return new_value
    plain = isinstance(new_value, (str, int, float)) and new_value == new_default
    if not (new_value is new_default or plain):
        raise ValueError(
            f"`{old_name}` is the deprecated name of `{new_name}`; pass only `{new_name}`. "
            f"Received: {old_name}={old_value!r}, {new_name}={new_value!r}"
        )
    deprecated(old_name, new_name, stacklevel=4)
    return old_value


def deprecated(
    old: str, new: str, stacklevel: int = 3, category: type[Warning] = DeprecationWarning
) -> None:
    """Warns that `old` (a name, a call or a flag) is deprecated in favour of `new`.

    Python code gets a `DeprecationWarning`; the command line a `FutureWarning`, which Python
    shows to the person running it.
    """
    warnings.warn(
        f"`{old}` is deprecated and will be removed in keras-seq2seq 0.3; use `{new}`.",
        category,
        stacklevel=stacklevel,
    )

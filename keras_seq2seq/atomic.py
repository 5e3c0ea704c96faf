"""Atomic replacement of files and directories: a failed write never costs the old version.

Everything the package writes (a saved `Translator` or `Seq2Seq`, a SavedModel export, the
command line's settings, processors, logs and backups) is written under a temporary name in the
same directory and renamed over the target only once complete. An exception, a full disk, Ctrl-C
or a kill mid-write leaves the old file as it was (and at worst a `.partial-*` file beside it,
which the next successful write of the same target removes).
"""

import contextlib
import glob
import os
import shutil
import uuid
from collections.abc import Iterator

PARTIAL = ".partial-"


@contextlib.contextmanager
def replacing(path: str | os.PathLike) -> Iterator[str]:
    """Yields a new path to write `path`'s new version to; renames it over `path` on success.

    The temporary path is in the same directory (a rename within one file system is atomic)
    and ends with `path`'s own name, so suffix rules such as Keras's `.keras` or `.weights.h5`
    hold for it. A directory can replace a missing or empty directory only.

    Example:
    >>> with atomic.replacing("model.keras") as partial:
    ...     model.save(partial)
    """
    path = os.path.abspath(os.fspath(path))
    directory, name = os.path.split(path)
    os.makedirs(directory, exist_ok=True)
    for stale in glob.glob(os.path.join(glob.escape(directory), f".*{PARTIAL}{glob.escape(name)}")):
        _remove(stale)  # left by a write that was killed
    partial = os.path.join(directory, f".{uuid.uuid4().hex[:8]}{PARTIAL}{name}")
    try:
        yield partial
        if os.path.isfile(partial):
            with open(partial, "rb") as file:
                os.fsync(file.fileno())  # on disk before it replaces the old version
        os.replace(partial, path)
    finally:
        _remove(partial)


def write_text(path: str | os.PathLike, text: str) -> None:
    """Replaces the file `path` with `text` (UTF-8) atomically."""
    with replacing(path) as partial, open(partial, "w", encoding="utf-8") as file:
        file.write(text)


def _remove(path: str) -> None:
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path, ignore_errors=True)
    elif os.path.lexists(path):
        os.remove(path)

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
    hold for it. A replaced file's permission bits are kept. A directory replaces a directory
    in two renames: the old one is moved aside, then removed once the new one is in place. A
    remote path (`gs://...`, any `scheme://`) is yielded as it is: no rename is atomic there.
    Two writers of one target at once are not supported (each removes the other's partial).

    Args:
        path: the file or directory to replace (or create).

    Example:
    >>> with atomic.replacing("model.keras") as partial:
    ...     model.save(partial)
    """
    if "://" in os.fspath(path):
        yield os.fspath(path)
        return
    path = os.path.abspath(os.fspath(path))
    directory, name = os.path.split(path)
    os.makedirs(directory, exist_ok=True)
    for stale in glob.glob(os.path.join(glob.escape(directory), f".*{PARTIAL}{glob.escape(name)}")):
        _remove(stale)  # left by a write that was killed
    token = uuid.uuid4().hex[:8]
    partial = os.path.join(directory, f".{token}{PARTIAL}{name}")
    aside = os.path.join(directory, f".{token}-old{PARTIAL}{name}")
    try:
        yield partial
        if os.path.isfile(partial):
            with open(partial, "rb") as file:
                os.fsync(file.fileno())  # on disk before it replaces the old version
            if os.path.isfile(path):
                shutil.copymode(path, partial)
        moved_aside = os.path.isdir(partial) and os.path.isdir(path) and bool(os.listdir(path))
        if moved_aside:
            os.replace(path, aside)
        try:
            os.replace(partial, path)
        except BaseException:
            if moved_aside:
                os.replace(aside, path)
            raise
    finally:
        _remove(partial)
        _remove(aside)


def write_text(path: str | os.PathLike, text: str) -> None:
    """Replaces the file `path` with `text` (UTF-8) atomically.

    Args:
        path: the file.
        text: its new content.
    """
    with replacing(path) as partial, open(partial, "w", encoding="utf-8") as file:
        file.write(text)


def _remove(path: str) -> None:
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path, ignore_errors=True)
    elif os.path.lexists(path):
        os.remove(path)

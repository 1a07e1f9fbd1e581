"""Safe output paths and atomic writes, for every file abmgraph writes.

A file is written to a temporary file created beside it with a random name
and ``O_EXCL`` (``tempfile.mkstemp``: never through a symlink, never over
another process's file), then renamed over the target in one step, so a
reader sees the old file or the new one, never half of one, and a crash
leaves the old file untouched. Temporary names start with ``.`` and end in
``.tmp``; :func:`clean_stale_temps` removes those a killed writer left.

:func:`check_output` refuses, before anything is written, a user-given
output path that would replace something it must not: a device, a FIFO, a
folder or any other non-regular file, a file of the workspace's store, or
the input being read.
"""

from __future__ import annotations

import os
import secrets
import stat
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from abmgraph.errors import InputError

__all__ = [
    "TEMP_SUFFIX",
    "atomic_open",
    "atomic_write_text",
    "check_output",
    "clean_stale_temps",
    "unique_name",
]

TEMP_SUFFIX = ".tmp"


def check_output(
    path: str | Path,
    *,
    option: str = "--out",
    protected: Sequence[Path] = (),
    inputs: Sequence[str | Path] = (),
) -> Path:
    """``path`` as an output file, or an error saying why it may not be written.

    Parameters
    ----------
    path
        The file to write.
    option
        The option that named it, for the message.
    protected
        Folders whose files are never replaced (a workspace's store).
    inputs
        Files being read by the same command.

    Raises
    ------
    InputError
        ``path`` exists and is not a regular file, lies inside a protected
        folder, or is one of the inputs.
    """
    path = Path(path)
    try:
        info = path.stat()  # follows a symlink: what would be replaced is its target
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise InputError(f"{option} {path}: cannot be written ({exc.strerror}).") from None
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise InputError(
            f"{option} {path} is {_kind(info.st_mode)}, not a regular file; give a file path."
        )
    resolved = path.resolve()
    for folder in protected:
        if resolved.is_relative_to(Path(folder).resolve()):
            raise InputError(
                f"{option} {path} is inside the workspace's store ({folder}); "
                "write it somewhere else."
            )
    for source in inputs:
        if info is not None and _same_file(path, Path(source)):
            raise InputError(
                f"{option} {path} is the input file; give another path so the input is kept."
            )
    return path


@contextmanager
def atomic_open(
    path: str | Path, mode: str = "w", *, encoding: str | None = "utf-8", newline: str | None = ""
) -> Iterator[IO[Any]]:
    """A stream to a new temporary file that replaces ``path`` only when the block ends well.

    ``mode`` is ``"w"`` (text) or ``"wb"``. The new file keeps the mode bits
    of the file it replaces, or gets the usual ``0666 & ~umask``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent)
    tmp = Path(name)
    try:
        os.fchmod(fd, _mode_for(path))
        binary = "b" in mode
        with os.fdopen(
            fd,
            "wb" if binary else "w",
            encoding=None if binary else encoding,
            newline=None if binary else newline,
        ) as stream:
            yield stream
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_write_text(path: str | Path, text: str, *, encoding: str = "utf-8") -> None:
    """Replace ``path`` with ``text`` in one step."""
    with atomic_open(path, "w", encoding=encoding) as stream:
        stream.write(text)


def clean_stale_temps(folder: Path) -> int:
    """Remove temporary files left in ``folder`` by killed writers; how many there were.

    Call it only while holding the workspace's write lock (or in a folder no
    other process writes): a live writer's temporary file looks the same.
    """
    removed = 0
    if not folder.is_dir():
        return 0
    for tmp in folder.glob(f".*{TEMP_SUFFIX}"):
        try:
            tmp.unlink()
            removed += 1
        except FileNotFoundError:
            pass
    return removed


def unique_name(folder: Path, stem: str, suffix: str) -> Path:
    """A path in ``folder`` no other call returns: ``<stem>-<UTC time to µs>-<random>``."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    return folder / f"{stem}-{stamp}-{secrets.token_hex(4)}{suffix}"


def _mode_for(path: Path) -> int:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return False


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"

"""Writing output files whole or not at all, without harming what the path points at.

A regular file (or a new one) is written to a temporary file beside it and renamed onto it
only when complete, keeping the old file's mode (a new file gets the umask's). A symlink is
followed: the file it points at is replaced, the link stays. Anything else that is not a
folder — a character device such as /dev/null, a FIFO, a socket — is written through, since
renaming onto it would replace the device itself. `-` is stdout.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from .errors import KgError

STDOUT = "-"


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike[str], mode: str = "w") -> Iterator[IO]:
    """Open `path` for writing; a regular file is replaced only if the block succeeds."""
    binary = "b" in mode
    if str(path) == STDOUT:
        out: IO = sys.stdout.buffer if binary else sys.stdout
        yield out
        out.flush()
        return
    target = Path(os.path.realpath(path))  # a symlink's file is written, the link kept
    try:
        existing = target.stat()
    except FileNotFoundError:
        existing = None
    except OSError as exc:
        raise KgError(f"{path}: cannot write: {exc.strerror or exc}") from None
    if existing is not None and stat.S_ISDIR(existing.st_mode):
        raise KgError(f"{path}: is a folder")
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        with _write_through(path, target, mode) as handle:
            yield handle
        return
    with _replace(path, target, mode, existing) as handle:
        yield handle


def _open_args(mode: str) -> dict[str, str | None]:
    if "b" in mode:
        return {}
    return {"encoding": "utf-8", "newline": ""}


@contextlib.contextmanager
def _write_through(path: str | os.PathLike[str], target: Path, mode: str) -> Iterator[IO]:
    """Devices and FIFOs: no temporary file, no rename; they cannot be half-replaced."""
    try:
        handle = open(target, mode, **_open_args(mode))  # noqa: SIM115 - closed below
    except OSError as exc:
        raise KgError(f"{path}: cannot write: {exc.strerror or exc}") from None
    try:
        with handle:
            yield handle
    except OSError as exc:
        raise KgError(f"{path}: cannot write: {exc.strerror or exc}") from None


def _new_file_mode() -> int:
    # The umask can only be read by setting it; set it straight back.
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


@contextlib.contextmanager
def _replace(path: str | os.PathLike[str], target: Path, mode: str,
             existing: os.stat_result | None) -> Iterator[IO]:
    folder = target.parent
    if not folder.is_dir():
        raise KgError(f"{path}: folder {folder} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise KgError(f"{path}: cannot write: {exc.strerror or exc}") from None
    try:
        # mkstemp makes the file 0600: give it the mode the file had, or a new file's.
        os.fchmod(fd, stat.S_IMODE(existing.st_mode) if existing else _new_file_mode())
        if existing is not None and os.geteuid() == 0:
            with contextlib.suppress(OSError):
                os.fchown(fd, existing.st_uid, existing.st_gid)
        with os.fdopen(fd, mode, **_open_args(mode)) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise KgError(f"{path}: cannot write: {exc.strerror or exc}") from None
        raise

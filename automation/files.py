"""Writing files the way a shared folder needs: whole or not at all, readable by colleagues.

A file is written beside its final place and moved there in one step (`os.replace`), so a reader
sees the old file or the new one, never half of one. New files get the permissions of any file
the job's user creates (the umask), not the 0600 of a temporary file; a file that replaces
another keeps that one's mode, group and owner, as far as the process may give them.
"""

from __future__ import annotations

import functools
import os
import tempfile
from collections.abc import Callable
from pathlib import Path


@functools.cache
def umask() -> int:
    """The process's umask, read without changing it where Linux tells (os.umask can only set it)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def as_created(path: str | Path) -> None:
    """Permissions of a file the job's user creates (mkstemp's files are 0600)."""
    os.chmod(path, 0o666 & ~umask())


def keep_ownership(path: str | Path, original: os.stat_result) -> None:
    """`path` takes `original`'s mode, group and owner, as far as this process may give them."""
    os.chmod(path, original.st_mode & 0o7777)
    for uid, gid in ((original.st_uid, original.st_gid), (-1, original.st_gid)):
        try:
            os.chown(path, uid, gid)
            return
        except PermissionError:
            continue


def write_atomically(path: Path, data: bytes, *, prefix: str, suffix: str = ".tmp",
                     before_replace: Callable[[os.stat_result], None] | None = None) -> None:
    """`data` into `path`, whole or not at all; a file already there keeps its mode and owner.
    `before_replace` is told the finished file's size and time just before it takes its place."""
    fd, temp = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            keep_ownership(temp, path.stat())
        else:
            as_created(temp)
        if before_replace is not None:
            before_replace(os.stat(temp))
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise

"""Where the tool writes: each output path is checked before work starts.

A path that cannot be written (a read-only directory, a directory where a file should be,
a file where a directory should be) is one line naming the setting it came from and exit
code 2, before any request is sent, so no result is lost to a late traceback.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from harness.errors import UsageError


def _reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def writable_dir(path: str | Path, where: str) -> Path:
    """``path`` as a directory the tool can write into (created with its parents)."""
    directory = Path(path)
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"{where}: {directory} exists and is not a directory")
    try:
        directory.mkdir(parents=True, exist_ok=True)
        # os.access is not enough: it ignores read-only mounts and some ACLs.
        fd, probe = tempfile.mkstemp(dir=directory, prefix=".write-probe-")
        os.close(fd)
        os.unlink(probe)
    except FileExistsError:
        raise UsageError(
            f"{where}: cannot create {directory}: a parent is not a directory"
        ) from None
    except OSError as exc:
        raise UsageError(f"{where}: cannot write in {directory}: {_reason(exc)}") from None
    return directory


def writable_file(path: str | Path, where: str, *, make_parents: bool = True) -> Path:
    """``path`` as a file the tool can write (left as found); its directory is created
    unless ``make_parents`` is false (a plain output file, like a shell redirection)."""
    file = Path(path)
    if file.is_dir():
        raise UsageError(f"{where}: {file} is a directory, expected a file")
    if make_parents:
        try:
            file.parent.mkdir(parents=True, exist_ok=True)
        except FileExistsError:
            reason = f"{file.parent} is not a directory"
            raise UsageError(f"{where}: cannot write {file}: {reason}") from None
        except OSError as exc:
            raise UsageError(f"{where}: cannot write {file}: {_reason(exc)}") from None
    existed = file.exists()
    try:
        with open(file, "a", encoding="utf-8"):
            pass
    except OSError as exc:
        raise UsageError(f"{where}: cannot write {file}: {_reason(exc)}") from None
    if not existed:
        with contextlib.suppress(OSError):
            file.unlink()
    return file

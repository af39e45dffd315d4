"""Copy stdin to stdout and to a size-capped, rotated log file (the file's only writer).

``python -m reference_app.logtee FILE MAX_BYTES BACKUPS``. The server's processes all
write to this one process's stdin; it ends at end of input, when they have all exited.
Interrupts are ignored so the last lines are never lost on Ctrl-C.
"""

from __future__ import annotations

import logging
import signal
import sys
from logging.handlers import RotatingFileHandler


def tee(source: object, file_path: str, max_bytes: int, backups: int) -> None:
    """Copy lines from ``source`` (a binary stream) to stdout and the rotating file."""
    handler = RotatingFileHandler(
        file_path, maxBytes=max_bytes, backupCount=backups, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(message)s"))
    out = sys.stdout.buffer
    try:
        for raw in source:  # type: ignore[attr-defined]
            out.write(raw)
            out.flush()
            text = raw.decode("utf-8", errors="replace").rstrip("\n")
            handler.emit(logging.makeLogRecord({"msg": text}))
    finally:
        handler.close()


def main(argv: list[str]) -> int:
    """Entry point."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    file_path, max_bytes, backups = argv[0], int(argv[1]), int(argv[2])
    tee(sys.stdin.buffer, file_path, max_bytes, backups)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

"""The reference app with two silent data changes real apps make (issue 14).

- ``coerce``: tweets come back as a numeric column would store them: ``"007"`` as ``7``,
  ``"1e3"`` as ``1000``, ``"1.50"`` as ``1.5`` (SQLite's NUMERIC affinity, returned as JSON
  numbers); other texts unchanged.
- ``drop-empty``: a tweet with empty content is answered 204 and stored nowhere.

A real server process: ``python -m tests.verify.lossy_target --port N --database-url URL
--behaviours coerce,drop-empty``.
"""

from __future__ import annotations

import argparse
import io
import json
from collections.abc import Iterable
from typing import Any

BEHAVIOURS = ("coerce", "drop-empty")


def numeric_column(text: str) -> Any:
    """What a NUMERIC column makes of ``text``: an int or float when it reads as one."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        value = float(text)
    except ValueError:
        return text
    if value != value or value in (float("inf"), float("-inf")):
        return text
    return int(value) if value.is_integer() else value


class Lossy:
    """WSGI middleware applying the chosen behaviours around the reference app."""

    def __init__(self, app: Any, behaviours: Iterable[str]) -> None:
        self.app = app
        self.on = set(behaviours)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        method, path = environ.get("REQUEST_METHOD"), environ.get("PATH_INFO", "")
        if method == "POST" and path.startswith("/msgs/") and "drop-empty" in self.on:
            body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            environ["wsgi.input"] = io.BytesIO(body)
            if json.loads(body or b"{}").get("content") == "":
                start_response("204 NO CONTENT", [])
                return [b""]
        if method != "GET" or not path.startswith("/msgs") or "coerce" not in self.on:
            return self.app(environ, start_response)  # type: ignore[no-any-return]
        captured: dict[str, Any] = {}

        def keep(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            captured.update(status=status, headers=headers)
            return lambda data: None

        raw = b"".join(self.app(environ, keep))
        if captured["status"].startswith("200"):
            messages = json.loads(raw)
            for message in messages:
                message["content"] = numeric_column(message["content"])
            raw = json.dumps(messages, ensure_ascii=False).encode("utf-8")
        headers = [(k, v) for k, v in captured["headers"] if k.lower() != "content-length"]
        start_response(captured["status"], [*headers, ("Content-Length", str(len(raw)))])
        return [raw]


def main(argv: list[str] | None = None) -> None:
    """Serve the wrapped reference app with a threaded WSGI server until killed."""
    from werkzeug.serving import make_server

    from reference_app import create_app

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--behaviours", default=",".join(BEHAVIOURS))
    args = parser.parse_args(argv)
    on = [b for b in args.behaviours.split(",") if b]
    app = create_app({"DATABASE_URL": args.database_url})
    make_server("127.0.0.1", args.port, Lossy(app, on), threaded=True).serve_forever()


if __name__ == "__main__":
    main()

"""The reference app, except that it applies the first follow late: after the next unfollow.

The follow is held past the client's 0.3 s timeout (the client reports ``ReadTimeout`` and
moves on), the unfollow of the same pair is applied at once, and then the held follow:
the pair ends followed although the last acknowledged write unfollowed it. A real server
process (``python -m tests.verify.late_follow --port N --database-url URL``).
"""

from __future__ import annotations

import argparse
import io
import json
import threading
from collections.abc import Iterable
from typing import Any
from urllib.parse import unquote

#: The longest the held follow waits for its unfollow (then it is applied anyway).
HOLD_S = 10.0


class LateFollow:
    """WSGI middleware: holds the first follow until the unfollow of its pair was applied."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.lock = threading.Lock()
        self.held: tuple[str, str] | None = None
        self.unfollowed = threading.Event()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if environ.get("REQUEST_METHOD") != "POST" or not path.startswith("/fllws/"):
            return self.app(environ, start_response)  # type: ignore[no-any-return]
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        environ["wsgi.input"] = io.BytesIO(body)
        data = json.loads(body or b"{}")
        user = unquote(path.removeprefix("/fllws/").encode("latin-1").decode("utf-8"))
        hold = False
        with self.lock:
            if "follow" in data and self.held is None:
                self.held = (user, data["follow"])
                hold = True
        if hold:
            self.unfollowed.wait(HOLD_S)
            return self.app(environ, start_response)  # type: ignore[no-any-return]
        answer = list(self.app(environ, start_response))
        if "unfollow" in data and (user, data["unfollow"]) == self.held:
            self.unfollowed.set()
        return answer


def main(argv: list[str] | None = None) -> None:
    """Serve the wrapped reference app with a threaded WSGI server until killed."""
    from werkzeug.serving import make_server

    from reference_app import create_app

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--database-url", required=True)
    args = parser.parse_args(argv)
    app = create_app({"DATABASE_URL": args.database_url})
    make_server("127.0.0.1", args.port, LateFollow(app), threaded=True).serve_forever()


if __name__ == "__main__":
    main()

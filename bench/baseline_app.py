"""The naive baseline: the simulator API designed the way the course's reference app is.

Deliberately naive, to measure the reference app against in the same run: Flask's
development server (threaded, as ``app.run()`` serves it), a new SQLite connection per
request in the default rollback-journal mode, the course schema without any index or
unique constraint, ``latest`` in a local text file, and werkzeug's default password hash.
It follows the course design, quirks included (``latest`` is recorded before the auth
check); it is a yardstick for speed, not for correctness.

Run: ``python -m bench.baseline_app --db FILE --latest-file FILE --port PORT``.
"""

from __future__ import annotations

import argparse
import sqlite3
import time
from pathlib import Path
from typing import Any

from flask import Flask, Response, abort, g, jsonify, request
from werkzeug.security import generate_password_hash

#: The course schema: no indexes, no unique constraints.
SCHEMA = """
CREATE TABLE IF NOT EXISTS user (
    user_id INTEGER PRIMARY KEY AUTOINCREMENT,
    username STRING NOT NULL, email STRING NOT NULL, pw_hash STRING NOT NULL);
CREATE TABLE IF NOT EXISTS follower (who_id INTEGER, whom_id INTEGER);
CREATE TABLE IF NOT EXISTS message (
    message_id INTEGER PRIMARY KEY AUTOINCREMENT,
    author_id INTEGER NOT NULL, text STRING NOT NULL, pub_date INTEGER, flagged INTEGER);
"""

SIMULATOR_AUTH = "Basic c2ltdWxhdG9yOnN1cGVyX3NhZmUh"
MESSAGES_SQL = (
    "SELECT message.text, message.pub_date, user.username FROM message, user "
    "WHERE message.flagged = 0 AND message.author_id = user.user_id "
    "{where} ORDER BY message.pub_date DESC LIMIT ?"
)


def init_db(db_path: Path) -> None:
    """Create the course schema in ``db_path``."""
    with sqlite3.connect(db_path) as db:
        db.executescript(SCHEMA)


def create_app(db_path: Path, latest_file: Path) -> Flask:
    """The baseline app on one SQLite file and one latest file."""
    app = Flask(__name__)

    @app.before_request
    def connect() -> None:
        g.db = sqlite3.connect(db_path)  # a new connection for every request

    @app.teardown_request
    def close(_: BaseException | None) -> None:
        db = g.pop("db", None)
        if db is not None:
            db.close()

    def user_id(username: str) -> int | None:
        row = g.db.execute("SELECT user_id FROM user WHERE username = ?", (username,)).fetchone()
        return None if row is None else int(row[0])

    def record_latest() -> None:
        value = request.args.get("latest", type=int, default=-1)
        if value != -1:
            latest_file.write_text(str(value))

    def refused() -> tuple[Response, int] | None:
        if request.headers.get("Authorization") != SIMULATOR_AUTH:
            body = {"status": 403, "error_msg": "You are not authorized to use this resource!"}
            return jsonify(body), 403
        return None

    def messages(where: str, args: tuple[Any, ...]) -> Response:
        limit = request.args.get("no", type=int, default=100)
        rows = g.db.execute(MESSAGES_SQL.format(where=where), (*args, limit)).fetchall()
        return jsonify([{"content": r[0], "pub_date": r[1], "user": r[2]} for r in rows])

    @app.get("/latest")
    def get_latest() -> Response:
        try:
            return jsonify({"latest": int(latest_file.read_text())})
        except (OSError, ValueError):
            return jsonify({"latest": -1})

    @app.post("/register")
    def register() -> Any:
        record_latest()
        data = request.json or {}
        error = None
        if not data.get("username"):
            error = "You have to enter a username"
        elif not data.get("email") or "@" not in data["email"]:
            error = "You have to enter a valid email address"
        elif not data.get("pwd"):
            error = "You have to enter a password"
        elif user_id(data["username"]) is not None:
            error = "The username is already taken"
        if error:
            return jsonify({"status": 400, "error_msg": error}), 400
        g.db.execute(
            "INSERT INTO user (username, email, pw_hash) VALUES (?, ?, ?)",
            (data["username"], data["email"], generate_password_hash(data["pwd"])),
        )
        g.db.commit()
        return "", 204

    @app.get("/msgs")
    def all_messages() -> Any:
        record_latest()
        return refused() or messages("", ())

    @app.route("/msgs/<username>", methods=["GET", "POST"])
    def user_messages(username: str) -> Any:
        record_latest()
        denied = refused()
        if denied:
            return denied
        author = user_id(username)
        if author is None:
            abort(404)
        if request.method == "GET":
            return messages("AND user.user_id = ?", (author,))
        g.db.execute(
            "INSERT INTO message (author_id, text, pub_date, flagged) VALUES (?, ?, ?, 0)",
            (author, (request.json or {})["content"], int(time.time())),
        )
        g.db.commit()
        return "", 204

    @app.route("/fllws/<username>", methods=["GET", "POST"])
    def follows(username: str) -> Any:
        record_latest()
        denied = refused()
        if denied:
            return denied
        who = user_id(username)
        if who is None:
            abort(404)
        if request.method == "GET":
            limit = request.args.get("no", type=int, default=100)
            rows = g.db.execute(
                "SELECT user.username FROM user INNER JOIN follower "
                "ON follower.whom_id = user.user_id WHERE follower.who_id = ? LIMIT ?",
                (who, limit),
            ).fetchall()
            return jsonify({"follows": [r[0] for r in rows]})
        data = request.json or {}
        key = "follow" if "follow" in data else "unfollow"
        whom = user_id(data[key])
        if whom is None:
            abort(404)
        if key == "follow":
            g.db.execute("INSERT INTO follower (who_id, whom_id) VALUES (?, ?)", (who, whom))
        else:
            g.db.execute("DELETE FROM follower WHERE who_id = ? AND whom_id = ?", (who, whom))
        g.db.commit()
        return "", 204

    return app


def main() -> None:
    """Serve the baseline with Flask's threaded development server."""
    parser = argparse.ArgumentParser(prog="python -m bench.baseline_app")
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--latest-file", type=Path, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    init_db(args.db)
    create_app(args.db, args.latest_file).run(host=args.host, port=args.port, threaded=True)


if __name__ == "__main__":
    main()

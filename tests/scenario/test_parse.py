"""The parser reads the course format exactly and names file, line and problem otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.errors import InputError
from harness.scenario.model import Action, Command
from harness.scenario.parse import iter_actions, parse_line, read_scenario

GOOD = (
    "0\t0\t1700000000000\tregister\tRoger Histand\t#roger@x.dk\t\"q'\\#%,;&<>\\\n"
    "1\t12\t1700000000012\tregister\tZoë Åberg\t=z@x.dk\t@pw\n"
    "2\t5\t1700000000017\ttweet\tRoger Histand\t\ufeff“Hi” – it’s #1, 50% <b>&amp;\n"
    "3\t0\t1700000000017\tfollow\tRoger Histand\tZoë Åberg\n"
    "4\t7\t1700000000024\tunfollow\tZoë Åberg\tRoger Histand\n"
    "5\t1\t1700000000025\ttweet\tZoë Åberg\t# not a comment\u2028line\x0cfeed\x0bvt\x85nel\n"
)


def _write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "s.tsv"
    path.write_bytes(data)
    return path


def test_reads_every_command_with_hazardous_fields(tmp_path: Path) -> None:
    scenario = read_scenario(_write(tmp_path, GOOD.encode()))
    actions = scenario.actions
    assert [a.command for a in actions] == [
        Command.REGISTER,
        Command.REGISTER,
        Command.TWEET,
        Command.FOLLOW,
        Command.UNFOLLOW,
        Command.TWEET,
    ]
    assert actions[0] == Action(
        0, 0, 1700000000000, Command.REGISTER, "Roger Histand",
        email="#roger@x.dk", pwd="\"q'\\#%,;&<>\\", line=1,
    )  # fmt: skip
    assert actions[2].content == "\ufeff“Hi” – it’s #1, 50% <b>&amp;"
    assert actions[3].target == "Zoë Åberg"
    # Only LF ends a line: U+2028, form feed, vertical tab and NEL stay inside the tweet.
    assert actions[5].content == "# not a comment\u2028line\x0cfeed\x0bvt\x85nel"
    assert [a.line for a in actions] == [1, 2, 3, 4, 5, 6]
    assert scenario.bad_lines == []


def test_last_line_without_newline_is_read(tmp_path: Path) -> None:
    scenario = read_scenario(_write(tmp_path, GOOD.rstrip("\n").encode()))
    assert len(scenario.actions) == 6


BAD_LINES = [
    ("1\t0\t1\ttweet\tRoger\n", "5 columns for tweet, expected 6"),
    ("1\t0\t1\tregister\tRoger\tr@x.dk\n", "6 columns for register, expected 7"),
    ("1\t0\t1\ttweet\tRoger\thi\textra\n", "7 columns for tweet, expected 6"),
    ("1\t0\t1\n", "3 tab-separated columns, expected 7 for register, 6 otherwise"),
    ("1,0,1,tweet,Roger,hi\n", "1 tab-separated columns, expected 7 for register, 6 otherwise"),
    ("1\t0\t1\tretweet\tRoger\thi\n", "unknown command 'retweet'"),
    ("1\t0\t1\tTweet\tRoger\thi\n", "unknown command 'Tweet'"),
    ("x\t0\t1\ttweet\tRoger\thi\n", "id must be a non-negative integer, got 'x'"),
    ("1\t-5\t1\ttweet\tRoger\thi\n", "delay_ms must be a non-negative integer, got '-5'"),
    ("1\t0\t1.5\ttweet\tRoger\thi\n", "ts_ms must be a non-negative integer, got '1.5'"),
    ("1\t²\t1\ttweet\tRoger\thi\n", "delay_ms must be a non-negative integer, got '²'"),
    ("3\t0\t1\ttweet\tRoger\thi\n", "id 3 does not match the line index 1"),
    ("1\t0\t1\ttweet\tRoger\thi\r\n", "CRLF line ending (the format uses LF only)"),
    ("\n", "empty line"),
]


@pytest.mark.parametrize(("line", "problem"), BAD_LINES)
def test_malformed_line_names_file_line_and_problem(
    tmp_path: Path, line: str, problem: str
) -> None:
    path = _write(tmp_path, ("0\t0\t1\tregister\tRoger\tr@x.dk\tpw\n" + line).encode())
    with pytest.raises(InputError) as err:
        read_scenario(path)
    assert str(err.value) == f"{path}:2: {problem}"


def test_invalid_utf8_is_an_error_naming_the_line(tmp_path: Path) -> None:
    data = GOOD.encode() + b"6\t0\t1\ttweet\tRoger Histand\tcaf\xe9\n"
    with pytest.raises(InputError, match=r"s\.tsv:7: invalid UTF-8 at byte 29 of the line"):
        read_scenario(_write(tmp_path, data))


def test_skip_bad_lines_collects_them_and_goes_on(tmp_path: Path) -> None:
    lines = GOOD.splitlines(keepends=True)
    lines[1] = "1\t12\tnope\tregister\tZoë Åberg\n"
    lines[4] = "4\t7\t1\tunfollow\tZoë Åberg\tRoger\r\n"
    scenario = read_scenario(_write(tmp_path, "".join(lines).encode()), skip_bad_lines=True)
    assert [a.id for a in scenario.actions] == [0, 2, 3, 5]
    assert [(b.line, b.problem) for b in scenario.bad_lines] == [
        (2, "5 columns for register, expected 7"),
        (5, "CRLF line ending (the format uses LF only)"),
    ]
    assert scenario.bad_lines[0].text == "1\t12\tnope\tregister\tZoë Åberg"


def test_missing_file_is_one_line_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"nope\.tsv: scenario file not found"):
        read_scenario(tmp_path / "nope.tsv")


def test_parse_line_raises_input_error_with_location() -> None:
    assert parse_line("0\t0\t5\tfollow\ta\tb", 1, "f.tsv").target == "b"
    with pytest.raises(InputError, match=r"^f\.tsv:9: unknown command 'x'$"):
        parse_line("8\t0\t5\tx\ta\tb", 9, "f.tsv")


def test_iter_actions_is_lazy() -> None:
    lines = iter([b"0\t0\t1\tregister\tA B\ta@x\tp\n", b"1\t0\t1\ttweet\tA B\thi\n", b"broken\n"])
    actions = iter_actions(lines, "stream")
    assert next(actions).command is Command.REGISTER
    assert next(actions).content == "hi"
    with pytest.raises(InputError, match=r"^stream:3: 1 tab-separated columns"):
        next(actions)

"""Fail CI when any test was skipped, none ran, or no PostgreSQL test ran."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET


def main(path: str) -> int:
    """Read a JUnit XML file and judge it."""
    root = ET.parse(path).getroot()
    cases = list(root.iter("testcase"))
    skipped = [c for c in cases if c.find("skipped") is not None]
    postgres = [c for c in cases if "postgres" in (c.get("name", "") + c.get("classname", ""))]
    ran_pg = [c for c in postgres if c.find("skipped") is None]
    print(f"check_junit: {len(cases)} tests, {len(skipped)} skipped, {len(ran_pg)} on PostgreSQL")
    if not cases:
        print("check_junit: no test ran", file=sys.stderr)
        return 1
    if skipped:
        for c in skipped:
            print(f"check_junit: skipped: {c.get('classname')}::{c.get('name')}", file=sys.stderr)
        return 1
    if not ran_pg:
        print("check_junit: no PostgreSQL test ran", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))

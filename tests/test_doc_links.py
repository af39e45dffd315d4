"""The docs point inside the repository: every relative link resolves to a file of it."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", ROOT / "ARCHITECTURE.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def test_relative_links_resolve_inside_the_repository() -> None:
    broken = []
    for doc in DOCS:
        for target in LINK.findall(doc.read_text(encoding="utf-8")):
            if re.match(r"[a-z]+:", target):  # http:, https:, mailto:
                continue
            resolved = (doc.parent / target).resolve()
            if not resolved.exists() or not resolved.is_relative_to(ROOT):
                broken.append(f"{doc.name}: {target}")
    assert broken == []


#: Not the project's files: environments, caches, build output.
SKIP = {".git", ".venv", ".tools", "node_modules", "__pycache__", ".mypy_cache", ".ruff_cache",
        ".pytest_cache", "harness-output", "build", "dist"}  # fmt: skip


def _project_files() -> list[Path]:
    files = []
    for path in ROOT.rglob("*"):
        parts = set(path.relative_to(ROOT).parts)
        if path.is_file() and not parts & SKIP and not any(p.endswith(".egg-info") for p in parts):
            files.append(path)
    return files


def test_nothing_refers_to_the_course_spec_outside_the_repository() -> None:
    needle = "shared/" + "spec"  # split, so this file does not match itself
    files = _project_files()
    hits = [
        str(f.relative_to(ROOT))
        for f in files
        if f.suffix in {".md", ".py", ".yaml", ".yml", ".toml", ".txt", ".cfg", ".j2", ".html"}
        and needle in f.read_text(encoding="utf-8", errors="replace")
    ]
    assert len(files) > 100 and hits == []

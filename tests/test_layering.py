"""The code keeps the import layering that ARCHITECTURE.md's table states, and the table
lists every folder of the code."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROJECT = ("harness", "reference_app", "schemas")
MODELS = "models"


def _layer(module: str) -> str:
    """The layer of a dotted module name: a folder, the top-level models, or a package."""
    parts = module.split(".")
    if parts[0] == "harness" and len(parts) > 1 and (ROOT / "harness" / parts[1]).is_dir():
        return f"harness/{parts[1]}/"
    if parts[0] == "harness":
        return MODELS
    return f"{parts[0]}/"


def _table() -> dict[str, set[str]]:
    """Each folder of the table and the layers it may import."""
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([\w/]+/)` \| [^|]+ \| ([^|]+) \|$", text, re.M)
    allowed: dict[str, set[str]] = {}
    for folder, may in rows:
        names = set(re.findall(r"`([\w_]+)`", may))
        layers = {f"{n}/" if n in ("schemas", "reference_app") else f"harness/{n}/" for n in names}
        if "models" in may:
            layers.add(MODELS)
        if may.startswith("everything"):
            layers = {"*"}
        allowed[folder] = layers
    return allowed


def _imports(path: Path) -> set[str]:
    """The project modules a file imports (relative imports stay inside its own layer)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return {m for m in found if m.split(".")[0] in PROJECT}


def _module(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def test_every_folder_is_in_the_table() -> None:
    folders = {
        f"harness/{p.name}/" for p in (ROOT / "harness").iterdir() if (p / "__init__.py").is_file()
    }
    assert folders | {"reference_app/", "schemas/"} == set(_table())


def test_every_import_is_allowed_by_the_table() -> None:
    allowed = _table()
    allowed[MODELS] = set()  # the models import no folder
    wrong = []
    for package in PROJECT:
        for path in sorted((ROOT / package).rglob("*.py")):
            if path == ROOT / "harness" / "__main__.py":
                continue  # the entry point calls the CLI
            source = _layer(_module(path))
            for target in sorted(_layer(m) for m in _imports(path)):
                may = allowed[source]
                if target != source and "*" not in may and target not in may:
                    wrong.append(f"{path.relative_to(ROOT)} imports {target}")
    assert wrong == []


def test_no_two_classes_or_judges_share_a_name() -> None:
    """One name, one thing: two ``Target`` or ``Client`` classes send a reader to the wrong one."""
    where: dict[str, list[str]] = {}
    for path in sorted((ROOT / "harness").rglob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ClassDef) or (
                isinstance(node, ast.FunctionDef) and node.name.startswith("judge")
            ):
                where.setdefault(node.name, []).append(str(path.relative_to(ROOT)))
    assert {name: files for name, files in where.items() if len(files) > 1} == {}

"""Run benchmarks: ``python -m bench [NAME ...] [--quick]``.

Every module ``bench/bench_<name>.py`` exposes ``run(quick: bool, out_dir: Path) -> dict``;
the dict is printed as JSON and written to ``bench/results/<name>.json``. Each benchmark
measures its baseline in the same run and reports ratios, because these machines are noisy.
"""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import sys
from pathlib import Path

import bench


def available() -> list[str]:
    """Names of the benchmark modules present."""
    return sorted(
        m.name.removeprefix("bench_")
        for m in pkgutil.iter_modules(bench.__path__)
        if m.name.startswith("bench_")
    )


def main() -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("names", nargs="*", help=f"benchmarks to run (default all: {available()})")
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    parser.add_argument("--out", default="bench/results", help="where JSON results go")
    args = parser.parse_args()
    names = args.names or available()
    unknown = sorted(set(names) - set(available()))
    if unknown:
        print(f"bench: unknown benchmark(s): {', '.join(unknown)}", file=sys.stderr)
        return 2
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    failed = False
    for name in names:
        module = importlib.import_module(f"bench.bench_{name}")
        print(f"== bench {name}", flush=True)
        result = module.run(quick=args.quick, out_dir=out_dir)
        (out_dir / f"{name}.json").write_text(json.dumps(result, indent=2) + "\n")
        print(json.dumps(result, indent=2), flush=True)
        failed = failed or not result.get("passed", True)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())

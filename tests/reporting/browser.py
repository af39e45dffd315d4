"""Open a page in a real headless Chromium: DOM after scripts ran, screenshot, console."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np

CHROMIUM = "/usr/bin/chromium"
CONSOLE = re.compile(r":CONSOLE[:(\d)]*\] (.*)$")


@dataclass(frozen=True)
class Rendered:
    """What Chromium made of a page."""

    dom: str
    screenshot: Path
    console: list[str]

    def pixel_spread(self) -> float:
        """Standard deviation of the screenshot's pixel values (0 for a blank page)."""
        import matplotlib.image

        pixels = np.asarray(matplotlib.image.imread(self.screenshot))
        return float(pixels.std())


def render(page: Path, work: Path, *, width: int = 1280, height: int = 2400) -> Rendered:
    """Load ``page`` from disk, offline, and return DOM, screenshot and console messages."""
    shot = work / f"{page.stem}.png"
    profile = work / "chromium-profile"
    cmd = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        # Offline: any attempt to fetch from the network fails and shows on the console.
        "--host-resolver-rules=MAP * ~NOTFOUND",
        f"--user-data-dir={profile}",
        "--enable-logging=stderr",
        "--v=0",
        f"--window-size={width},{height}",
        f"--screenshot={shot}",
        "--dump-dom",
        page.resolve().as_uri(),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=True)
    console = [m.group(1) for line in proc.stderr.splitlines() if (m := CONSOLE.search(line))]
    return Rendered(dom=proc.stdout, screenshot=shot, console=console)

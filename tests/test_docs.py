"""The generated references (sources, commands) match the code, and the README's commands exist."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_generated_docs_are_current() -> None:
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "gen_docs.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_readme_first_screen_has_the_two_commands() -> None:
    first_screen = "\n".join((ROOT / "README.md").read_text(encoding="utf-8").splitlines()[:40])
    assert "bash scripts/atlas.sh" in first_screen
    assert "bash .ci/run" in first_screen
    assert (ROOT / "scripts" / "atlas.sh").exists() and (ROOT / ".ci" / "run").exists()

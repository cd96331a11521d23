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


def test_architecture_names_every_top_level_package() -> None:
    tree = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    packages = sorted(p.name for p in (ROOT / "rxatlas").iterdir()
                      if p.is_dir() and ((p / "__init__.py").exists() or p.name == "web"))
    assert "api" in packages and "warehouse" in packages
    missing = [name for name in packages if f"\n  {name}/ " not in tree]
    assert not missing, f"docs/architecture.md does not describe rxatlas/{', rxatlas/'.join(missing)}"

"""Start-up stays quick: --help imports no DuckDB, and a question imports none of the heavy libraries it does not
use (bench/startup.py measures the CPU time; this keeps a new import at module level from undoing it)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

# Libraries the substance answer does not need: Arrow (answers are fetched as Python rows), the build's parser,
# matcher and linkage, and the dataframe libraries.
HEAVY = ("pyarrow", "numpy", "pandas", "polars", "sqlglot", "rapidfuzz", "splink", "pyspark")
RUN = """
import json, sys
from rxatlas.cli import main
sys.argv = ["rxatlas", *sys.argv[1:]]
try:
    main()
except SystemExit as exc:
    code = exc.code
print(json.dumps({"code": code, "modules": sorted({m.split(".")[0] for m in sys.modules})}), file=sys.stderr)
"""


def _imports(*args: str) -> tuple[int, set[str], str]:
    done = subprocess.run([sys.executable, "-c", RUN, *args], capture_output=True, text=True, timeout=120)
    report = json.loads(done.stderr.strip().splitlines()[-1])
    return report["code"], set(report["modules"]), done.stdout


def test_help_imports_neither_duckdb_nor_the_heavy_libraries() -> None:
    code, modules, out = _imports("--help")
    assert code == 0 and "substance" in out
    assert modules & {"duckdb", *HEAVY} == set()


def test_substance_answer_imports_no_heavy_library(atlas_db: Path) -> None:
    code, modules, out = _imports("substance", "atorvastatin", "--json", "--db", str(atlas_db))
    assert code == 0 and json.loads(out)["match"] == "unique"
    assert modules & set(HEAVY) == set()

"""Run every command of docs/questions.md on an atlas and write its real answer's first lines below it.

    python scripts/questions.py --db ATLAS

Each question is a `### ` heading, then a ```bash block with one `rxatlas ...` command, then a ```text block
that this script fills with the first lines of the command's answer (tests/test_questions.py runs the same
commands). Commands run in-process from the repository root, so example files are found by relative path.
"""

from __future__ import annotations

import argparse
import re
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "questions.md"
EXCERPT_LINES = 16
EXCERPT_WIDTH = 160
# A question: its heading, its one command, and the excerpt block after it (possibly empty).
_QUESTION = re.compile(r"^### (?P<question>.+?)\n\n```bash\n(?P<command>rxatlas [^\n]+)\n```\n\n```text\n"
                       r"(?P<excerpt>.*?)```", re.MULTILINE | re.DOTALL)


@dataclass(frozen=True)
class Question:
    """One question of the file with the command that answers it."""

    question: str
    command: str

    @property
    def args(self) -> list[str]:
        """The command's arguments after `rxatlas`."""
        return shlex.split(self.command)[1:]


def questions(text: str) -> list[Question]:
    """Every question of docs/questions.md, in order."""
    return [Question(m["question"].strip(), m["command"].strip()) for m in _QUESTION.finditer(text)]


def run(question: Question, db: Path) -> tuple[int, str]:
    """Run a question's command in-process on the atlas: its exit code and answer (stale warnings apart)."""
    from typer.testing import CliRunner

    from rxatlas.cli import app

    result = CliRunner().invoke(app, question.args, env={"RXATLAS_DB": str(db)})
    return result.exit_code, result.stdout if result.exit_code == 0 else result.output


def excerpt(output: str) -> str:
    """The first lines of an answer, cut to a readable width."""
    lines = [line.rstrip()[:EXCERPT_WIDTH] for line in output.strip("\n").splitlines()]
    cut = lines[:EXCERPT_LINES] + (["…"] if len(lines) > EXCERPT_LINES else [])
    return "\n".join(cut) + "\n"


def render(text: str, db: Path) -> str:
    """The file with every excerpt replaced by the command's real answer; exits on a failing command."""

    def fill(match: re.Match[str]) -> str:
        question = Question(match["question"].strip(), match["command"].strip())
        code, output = run(question, db)
        if code != 0:
            sys.exit(f"`{question.command}` failed ({code}):\n{output}")
        return match[0].replace(f"```text\n{match['excerpt']}```", f"```text\n{excerpt(output)}```", 1)

    return _QUESTION.sub(fill, text)


def main() -> None:
    """Fill docs/questions.md from the atlas given."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="the atlas to answer from")
    args = parser.parse_args()
    DOC.write_text(render(DOC.read_text(encoding="utf-8"), args.db), encoding="utf-8")
    print(f"{len(questions(DOC.read_text(encoding='utf-8')))} questions answered in {DOC}")


if __name__ == "__main__":
    main()

"""Every question of docs/questions.md is answered by its one command on the real atlas, without SQL."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
from questions import DOC, Question, questions, run  # noqa: E402

QUESTIONS = questions(DOC.read_text(encoding="utf-8"))
MIN_QUESTIONS = 40


def test_the_file_asks_enough_questions_each_with_one_command() -> None:
    assert len(QUESTIONS) >= MIN_QUESTIONS, f"docs/questions.md has {len(QUESTIONS)} questions"
    assert len({q.question for q in QUESTIONS}) == len(QUESTIONS)
    text = DOC.read_text(encoding="utf-8")
    assert text.count("```bash") == len(QUESTIONS), "a question block is malformed (heading, bash, text)"


@pytest.mark.parametrize("question", QUESTIONS, ids=[q.command for q in QUESTIONS])
def test_the_command_answers(question: Question, atlas_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert question.args[0] != "sql", "a question must be answered without SQL"
    monkeypatch.chdir(ROOT)  # example files are named relative to the repository
    code, output = run(question, atlas_db)
    assert code == 0, output
    assert len(output.strip().splitlines()) >= 2, f"`{question.command}` gave no answer: {output!r}"
    assert "Traceback" not in output

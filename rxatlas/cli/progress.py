"""Build progress on the terminal: the build's Reporter drawn as Rich progress bars."""

from __future__ import annotations

from rich.progress import Progress, TaskID

from rxatlas.build import Reporter


class RichReporter(Reporter):
    """Shows build phases as Rich progress bars on standard error."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task: TaskID | None = None

    def start(self, what: str, total: int | None = None) -> None:
        if self.task is not None:
            self.progress.remove_task(self.task)
        self.task = self.progress.add_task(what, total=total)

    def advance(self, done: int, total: int | None = None) -> None:
        if self.task is not None:
            if done:
                self.progress.update(self.task, completed=done, total=total)
            else:
                self.progress.advance(self.task)

    def finish(self, what: str, detail: str = "") -> None:
        if self.task is not None:
            self.progress.remove_task(self.task)
            self.task = None
        self.progress.console.print(f"[green]✓[/green] {what} {detail}")

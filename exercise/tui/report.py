"""Writing the after-action report from the facilitator console, in a worker thread: control's
report (everything) or the participants' (what every team saw, to hand to the teams)."""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, ProgressBar, Select, Static

FORMATS = [("HTML (opens in a browser, prints well)", "html"), ("Markdown", "md"), ("PDF (needs WeasyPrint)", "pdf")]
AUDIENCES = [("For control: everything (private rulings, notes, MSEL)", "control"),
             ("For the participants: what every team saw, to hand out", "participants")]


class ReportScreen(ModalScreen[Path | None]):
    """Choose a format and a file, then write the report with a progress bar."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Close")]

    def __init__(self, session_path: Path):
        super().__init__()
        self.session_path = Path(session_path)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide", id="report-dialog"):
            yield Label("Write the after-action report", classes="heading")
            yield Select(AUDIENCES, value="control", allow_blank=False, id="report-audience")
            yield Select(FORMATS, value="html", allow_blank=False, id="report-format")
            yield Input(str(self._default_path("html", "control")), id="report-path")
            yield ProgressBar(id="report-progress", show_eta=False)
            yield Static("", id="report-result", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Write", id="report-write", variant="primary")
                yield Button("Close", id="report-close")

    def _default_path(self, fmt: str, audience: str) -> Path:
        who = "-participants" if audience == "participants" else ""
        return self.session_path.with_name(f"{self.session_path.stem}{who}-report.{fmt}")

    def _chosen(self) -> tuple[str, str]:
        return str(self.query_one("#report-format", Select).value), str(self.query_one("#report-audience", Select).value)

    @on(Select.Changed, "#report-format")
    @on(Select.Changed, "#report-audience")
    def _format_changed(self) -> None:
        self.query_one("#report-path", Input).value = str(self._default_path(*self._chosen()))

    @on(Button.Pressed, "#report-close")
    def _close(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted, "#report-path")
    @on(Button.Pressed, "#report-write")
    def _write(self) -> None:
        self.query_one("#report-write", Button).disabled = True
        self.query_one("#report-result", Static).update("Writing…")
        self.query_one("#report-progress", ProgressBar).update(total=None, progress=0)
        fmt, audience = self._chosen()
        self.write(fmt, Path(self.query_one("#report-path", Input).value).expanduser(), audience)

    @work(thread=True, exclusive=True)
    def write(self, fmt: str, path: Path, audience: str = "control") -> None:
        from ..reports import ReportError, write_report

        def progress(done: int, total: int) -> None:
            self.app.call_from_thread(self.query_one("#report-progress", ProgressBar).update, total=total, progress=done)

        try:
            write_report(self.session_path, fmt, path, progress=progress, audience=audience)
        except (ReportError, OSError) as exc:
            self.app.call_from_thread(self._finished, f"Not written: {exc}", None)
            return
        self.app.call_from_thread(self._finished, f"Written: {path}", path)

    def _finished(self, message: str, path: Path | None) -> None:
        self.query_one("#report-result", Static).update(message)
        self.query_one("#report-write", Button).disabled = False
        if path is not None:
            self.notify(message, title="Report")

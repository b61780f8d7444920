"""The commands that open a console: ``facilitate`` and ``join``.

Apart from the other play commands, so that a console's first frame does not wait for the
game's modules: where the session's cover is current (``exercise.cover``) the console draws
it at once and loads the game just after; otherwise it opens as ``cli_play`` does.
"""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

from .tui.app import FACILITATOR, ConsoleApp, opening_app


def facilitate(args: argparse.Namespace) -> int:
    return _console(args, FACILITATOR, "facilitate")


def join(args: argparse.Namespace) -> int:
    return _console(args, args.team, "join")


def _console(args: argparse.Namespace, role: str, handler: str) -> int:
    app = opening_app(Path(args.session), role)
    if app is None:  # no current cover: open the session first, as every other command does
        from . import cli_play

        return cli_play.run(getattr(cli_play, handler), args)
    return run(app)


def run(app: ConsoleApp) -> int:
    """Run a console until its user quits; a session it could not open after all (damaged since
    its cover was written) is one line, with the exit code it would have had before the app."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # Textual restores the terminal on its own way out
    app.run()
    if app.failure:
        from .text import visible

        print(f"exercise: {visible(app.failure)}", file=sys.stderr)
    return app.return_code or 0

"""The command line for the bot, batch and what-if commands.

Heavy modules are imported inside the handlers, so ``--help`` stays fast.
"""

from __future__ import annotations


def add_commands(commands) -> None:
    """Add these commands to the ``exercise`` parser's subcommands."""

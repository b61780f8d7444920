"""The Textual consoles. Import ``exercise.tui.app`` only when a console is opened."""

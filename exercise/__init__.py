"""exercise: a tabletop wargame and seminar exercise engine."""

__version__ = "0.1.0"

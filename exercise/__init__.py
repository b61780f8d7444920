"""exercise: a tabletop wargame and seminar exercise engine."""

__version__ = "0.2.0"

"""Kyso: the signing desktop for Vietnamese officials."""

__version__ = "0.1.0"

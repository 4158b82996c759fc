"""The reference document server Kyso syncs with."""

__version__ = "0.1.0"

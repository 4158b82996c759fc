"""Kyso's desktop face (PySide6). The core never imports anything from here."""

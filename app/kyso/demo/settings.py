"""The demo's settings: its people have the specimen images as their own.

A real installation starts with none (its stamps are text stamps until the
person chooses their images); only the demo and the tests use the specimens.
"""

from __future__ import annotations

from kyso.core import appearance as ap
from kyso.core.settings import Settings


def demo_settings(**more) -> Settings:
    """Settings with the specimen signature, seal and initial images (and ``more``)."""
    return Settings(signature_image=str(ap.SAMPLE_SIGNATURE), seal_image=str(ap.SAMPLE_SEAL),
                    initial_image=str(ap.SAMPLE_INITIAL), **more)

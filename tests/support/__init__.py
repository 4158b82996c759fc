"""Test-only helpers (not shipped with the product)."""

"""Signing and documents. Imports no Qt and knows no HTTP."""

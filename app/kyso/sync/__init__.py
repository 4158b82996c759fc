"""Local store, server API client and outbox. Imports no Qt."""

"""HTTP routes, one module per area; all are mounted under /api/v1."""

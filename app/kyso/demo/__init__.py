"""Demo and test material: PKI, software tokens, sample documents."""

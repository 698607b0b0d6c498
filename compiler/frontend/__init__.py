"""Readers of flow source: files → IR, statically."""

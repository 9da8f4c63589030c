"""Data layer: standard schemas, validation, total-return derivation, the DuckDB store and
providers. Nothing here imports an engine."""

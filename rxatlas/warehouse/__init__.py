"""The warehouse: an embedded DuckDB atlas with raw, latest, core and meta schemas."""

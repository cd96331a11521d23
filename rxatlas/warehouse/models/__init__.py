"""SQL models of the core schema, one file per table, in DuckDB SQL (transpiled for other engines)."""

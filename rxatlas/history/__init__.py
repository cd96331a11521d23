"""History across snapshots: what each fact looked like when, and what changed between snapshots and editions."""

"""SQL questions, one module per domain. Each function takes the engine, a Scope and an as-of date,
aggregates in the database, and returns a small pandas DataFrame (or a dict for KPI rows)."""

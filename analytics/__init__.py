"""Bench Strength's engine: plain Python (pandas, DuckDB), never imports the app."""

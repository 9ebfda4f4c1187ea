"""Suites: suite files (loading, validation) and the behavioral tests built from them."""

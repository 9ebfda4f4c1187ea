"""Measurement: running a declared test over its cases, results with intervals, slices, ``bt.check``."""

"""Recognizers: one module per identifier, each finding what it names on a ``Doc``."""

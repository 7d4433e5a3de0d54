"""Cleaning internals: block features, the learned block classifier, HTML extraction, metadata, the shingle metric.

The stage entry point is `briefing.clean.clean`; this package holds what it is built from.
"""

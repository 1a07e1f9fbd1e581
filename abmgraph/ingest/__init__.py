"""Readers, presets, normalisation and validation of input files."""

"""Dagster definitions for the extract stage."""

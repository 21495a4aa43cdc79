"""Dagster definitions for the warehouse stage."""

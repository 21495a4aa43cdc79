"""Dagster definitions for the registry stage."""

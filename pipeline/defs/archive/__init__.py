"""Dagster definitions for the archive stage."""

"""Dagster definitions, one folder per stage; each asset is a thin wrapper over pipeline.orchestrate.stages."""

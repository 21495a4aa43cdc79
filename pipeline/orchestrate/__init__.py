"""The nightly pipeline as plain stage functions, and the commands that run it (demo, run)."""

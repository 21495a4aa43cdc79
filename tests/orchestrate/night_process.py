"""`gongkai run` for tests: the same night and exit codes, with a resource config (loopback portals) from a JSON file.

    python -m tests.orchestrate.night_process CONFIG.json [WAIT_SECONDS]
"""
import json
import sys
from pathlib import Path

from pipeline.orchestrate.cli import run_night

if __name__ == "__main__":
    config = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    wait_s = float(sys.argv[2]) if len(sys.argv) > 2 else 0.0
    sys.exit(run_night(config, wait_s=wait_s, progress=True))

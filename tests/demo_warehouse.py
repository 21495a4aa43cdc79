"""One demo warehouse per test process, for tests that read what `gongkai demo` publishes
(worked examples, the dashboard). Built in a temporary folder on a port of its own."""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from functools import cache
from pathlib import Path

from pipeline.config import project_root
from pipeline.orchestrate.demo import DemoLayout, run_demo

TEST_DEMO_PORT = 18497


@cache
def demo_layout() -> DemoLayout:
    root = Path(tempfile.mkdtemp(prefix="gongkai-test-demo-"))
    atexit.register(shutil.rmtree, root, True)
    home = root / "dagster_home"
    home.mkdir()
    shutil.copyfile(project_root() / "dagster.yaml", home / "dagster.yaml")
    previous = os.environ.get("DAGSTER_HOME")
    os.environ["DAGSTER_HOME"] = str(home)
    try:
        layout = DemoLayout(directory=root / "demo", warehouse=root / "demo.duckdb")
        result = run_demo(layout, progress=False, port=TEST_DEMO_PORT)
    finally:
        if previous is None:
            os.environ.pop("DAGSTER_HOME", None)
        else:
            os.environ["DAGSTER_HOME"] = previous
    assert result.success and layout.warehouse.exists(), result.render()
    return layout

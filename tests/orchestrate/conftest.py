import shutil

import pytest

from pipeline.config import project_root


@pytest.fixture
def dagster_home(tmp_path, monkeypatch):
    """A throwaway Dagster instance with the project's dagster.yaml."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copyfile(project_root() / "dagster.yaml", home / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    return home

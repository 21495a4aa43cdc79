"""The deployment configuration gongkai ships (deploy/), checked without a cluster: every manifest
parses, refers to the image the Dockerfile builds, the secrets its instructions create, the volume,
service account and config maps it defines; the instance configuration validates against Dagster's
schemas (dagster-k8s's for the launcher when the .[deploy] extra is installed) and keeps the
`duckdb_writer` pool at 1 like ./dagster.yaml."""
import re
import tomllib

import pytest
import yaml
from dagster._config import process_config
from dagster._core.instance.config import dagster_instance_config

from pipeline.config import project_root

DEPLOY = project_root() / "deploy"
K8S = DEPLOY / "k8s"


def manifests() -> list[dict]:
    return [doc for path in sorted(K8S.glob("*.yaml")) for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]


def named(kind: str) -> dict[str, dict]:
    return {doc["metadata"]["name"]: doc for doc in manifests() if doc["kind"] == kind}


def k8s_instance() -> dict:
    return yaml.safe_load(named("ConfigMap")["gongkai-dagster-instance"]["data"]["dagster.yaml"])


def pod_specs() -> dict[str, dict]:
    return {name: doc["spec"]["template"]["spec"] for name, doc in named("Deployment").items()}


def image() -> str:
    version = tomllib.loads((project_root() / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    return f"ghcr.io/gongkai/gongkai:{version}"


def env_references(node) -> set[str]:
    """Every `{env: NAME}` in an instance configuration."""
    if isinstance(node, dict):
        if set(node) == {"env"}:
            return {node["env"]}
        return set().union(*(env_references(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(env_references(value) for value in node))
    return set()


def documented_secrets() -> dict[str, set[str]]:
    """The secrets gongkai.yaml's instructions create, with their keys."""
    text = (K8S / "gongkai.yaml").read_text(encoding="utf-8")
    return {name: set(re.findall(r"--from-literal=(\w+)=", line))
            for name, line in re.findall(r"kubectl create secret generic ([\w-]+)(.*)", text)}


def test_every_pod_and_run_uses_the_image_the_dockerfile_builds():
    assert f"-t {image()} " in (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    images = {container["image"] for spec in pod_specs().values() for container in spec["containers"]}
    assert images == {image()}
    assert k8s_instance()["run_launcher"]["config"]["job_image"] == image()
    assert "pip install --no-cache-dir -e '.[deploy]'" in (DEPLOY / "Dockerfile").read_text(encoding="utf-8")


def test_pool_limits_match_the_projects_instance():
    local = yaml.safe_load((project_root() / "dagster.yaml").read_text(encoding="utf-8"))
    for config in (k8s_instance(), yaml.safe_load((DEPLOY / "dagster.yaml").read_text(encoding="utf-8"))):
        assert config["concurrency"]["pools"] == local["concurrency"]["pools"] == {"default_limit": 1}
        assert config["storage"] == yaml.safe_load((DEPLOY / "dagster.yaml").read_text(encoding="utf-8"))["storage"]


def test_secrets_config_maps_volumes_and_accounts_refer_to_what_is_defined():
    secrets = documented_secrets()
    assert secrets == {"gongkai-postgres": {"DAGSTER_PG_USER", "DAGSTER_PG_PASSWORD"},
                       "gongkai-s3": {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}}
    config_maps, launcher = named("ConfigMap"), k8s_instance()["run_launcher"]["config"]
    environment = set(config_maps["gongkai-env"]["data"])
    assert set(launcher["env_secrets"]) == set(secrets) and launcher["env_config_maps"] == ["gongkai-env"]
    assert env_references(k8s_instance()) <= environment | set().union(*secrets.values())
    assert {"GONGKAI_ARCHIVE_ROOT", "AWS_ENDPOINT_URL", "GONGKAI_DATA_DIR", "GONGKAI_WAREHOUSE"} <= environment
    assert config_maps["gongkai-env"]["data"]["GONGKAI_ARCHIVE_ROOT"].startswith("s3://")
    assert launcher["instance_config_map"] in config_maps
    assert launcher["service_account_name"] in named("ServiceAccount")
    claims = set(named("PersistentVolumeClaim"))
    assert {volume["persistentVolumeClaim"]["claimName"] for volume in launcher["volumes"]} <= claims
    for name, spec in pod_specs().items():
        assert spec["serviceAccountName"] in named("ServiceAccount"), name
        for container in spec["containers"]:
            refs = {next(iter(ref.values()))["name"] for ref in container["envFrom"]}
            assert "gongkai-env" in refs and refs - {"gongkai-env"} <= set(secrets), name
            assert "gongkai-postgres" in refs, f"{name} opens the instance, so it needs the database login"
        mounted = {volume["name"]: volume for volume in spec["volumes"]}
        assert mounted["instance"]["configMap"]["name"] == "gongkai-dagster-instance", name
        for volume in mounted.values():
            if "persistentVolumeClaim" in volume:
                assert volume["persistentVolumeClaim"]["claimName"] in claims
            if "configMap" in volume:
                assert volume["configMap"]["name"] in config_maps


def test_the_workspace_points_at_the_code_server():
    [location] = yaml.safe_load(named("ConfigMap")["gongkai-workspace"]["data"]["workspace.yaml"])["load_from"]
    service = named("Service")[location["grpc_server"]["host"]]
    assert location["grpc_server"]["port"] in {port["port"] for port in service["spec"]["ports"]}
    code = pod_specs()["gongkai-code"]["containers"][0]
    assert code["args"][:5] == ["dagster", "code-server", "start", "-m", "pipeline.definitions"]
    assert str(location["grpc_server"]["port"]) in code["args"]


@pytest.mark.parametrize("source", ["deploy/dagster.yaml", "deploy/k8s/instance.yaml"])
def test_instance_configuration_validates_against_dagsters_schema(source, tmp_path, monkeypatch):
    for name in ("DAGSTER_PG_HOST", "DAGSTER_PG_USER", "DAGSTER_PG_PASSWORD", "DAGSTER_PG_DB"):
        monkeypatch.setenv(name, "x")
    monkeypatch.setenv("DAGSTER_PG_PORT", "5432")
    config = k8s_instance() if source.endswith("instance.yaml") else yaml.safe_load((project_root() / source).read_text())
    (tmp_path / "dagster.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    dagster_instance_config(str(tmp_path))   # raises on any invalid field
    launcher = config["run_launcher"]
    if launcher["class"] == "K8sRunLauncher":
        dagster_k8s = pytest.importorskip("dagster_k8s", reason="the K8sRunLauncher schema needs pip install -e '.[deploy]'")
        result = process_config(dagster_k8s.K8sRunLauncher.config_type(), launcher["config"])
        assert result.success, result.errors


"""docker-compose.yml validates, has the services and health checks it promises, and
.env.example lists every setting the portal reads from the environment."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess

import pytest
import yaml

from .conftest import REPO

COMPOSE = REPO / "docker-compose.yml"
ENV_EXAMPLE = REPO / ".env.example"
# Python files that read the environment of a deployed portal.
ENV_READERS = [
    REPO / "portal" / "settings.py",
    REPO / "deploy" / "gunicorn.conf.py",
    REPO / "deploy" / "healthcheck.py",
]
PORTAL_SERVICES = {"web", "worker", "beat", "migrate"}
ONE_SHOT = {"migrate", "minio-init"}


def compose_command() -> list[str]:
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    docker = shutil.which("docker")
    if (
        docker
        and subprocess.run([docker, "compose", "version"], capture_output=True).returncode == 0
    ):
        return [docker, "compose"]
    pytest.fail(
        "Validating docker-compose.yml needs docker-compose: apt-get install -y docker-compose "
        "(.ci/run installs it), or the docker compose plugin.",
        pytrace=False,
    )


@pytest.fixture
def compose_dir(tmp_path):
    """The compose file next to .env.example copied as .env, as the README tells people."""
    shutil.copy(COMPOSE, tmp_path / "docker-compose.yml")
    shutil.copytree(REPO / "deploy", tmp_path / "deploy")
    shutil.copy(ENV_EXAMPLE, tmp_path / ".env")
    return tmp_path


def test_compose_file_validates(compose_dir):
    result = subprocess.run(
        [*compose_command(), "config", "-q"], cwd=compose_dir, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_compose_file_without_secrets_is_refused(compose_dir):
    env = (compose_dir / ".env").read_text()
    (compose_dir / ".env").write_text(re.sub(r"(?m)^POSTGRES_PASSWORD=.*\n", "", env))
    result = subprocess.run(
        [*compose_command(), "config", "-q"], cwd=compose_dir, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "POSTGRES_PASSWORD" in result.stderr


@pytest.fixture(scope="module")
def services() -> dict:
    return yaml.safe_load(COMPOSE.read_text())["services"]


def test_compose_has_the_whole_stack(services):
    assert set(services) == {
        "postgres",
        "redis",
        "minio",
        "minio-init",
        "mailpit",
        "migrate",
        "web",
        "worker",
        "beat",
    }


def test_every_long_running_service_has_a_health_check(services):
    for name, service in services.items():
        if name in ONE_SHOT:
            assert service["restart"] == "no", name
        else:
            assert service["healthcheck"]["test"], name


def test_web_waits_for_a_migrated_database_and_a_ready_bucket(services):
    for name in ("web", "worker", "beat"):
        depends = services[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully", name
        assert depends["minio-init"]["condition"] == "service_completed_successfully", name
        assert depends["redis"]["condition"] == "service_healthy", name
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert services["minio-init"]["depends_on"]["minio"]["condition"] == "service_healthy"


def test_workers_scale_and_beat_keeps_its_schedule(services):
    # --scale worker=N needs no fixed name and no published port.
    assert "container_name" not in services["worker"] and "ports" not in services["worker"]
    assert services["beat"]["volumes"] == ["beat-data:/app/var"]
    for name in ("postgres", "redis", "minio"):
        assert services[name]["volumes"], name


def test_portal_services_share_one_image_and_the_env_file(services):
    images = {services[name]["image"] for name in PORTAL_SERVICES}
    assert len(images) == 1
    for name in PORTAL_SERVICES:
        assert services[name]["env_file"] == ".env"
        assert services[name]["environment"]["MINIO_ROOT_PASSWORD"] == ""


def environment_names_read() -> set[str]:
    """Every NAME in env.x("NAME"), os.environ.get("NAME"), os.environ["NAME"], _int("NAME")."""
    names: set[str] = set()
    for path in ENV_READERS:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and node.args:
                first = node.args[0]
                func = node.func
                reads = (
                    (
                        isinstance(func, ast.Attribute)
                        and isinstance(func.value, ast.Name)
                        and func.value.id == "env"
                    )
                    or (
                        isinstance(func, ast.Attribute)
                        and func.attr == "get"
                        and ast.unparse(func.value) == "os.environ"
                    )
                    or (isinstance(func, ast.Name) and func.id == "_int")
                )
                if reads and isinstance(first, ast.Constant) and isinstance(first.value, str):
                    names.add(first.value)
            if isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ":
                names.add(ast.literal_eval(node.slice))
    return names


def env_example_names() -> tuple[set[str], set[str]]:
    """(names set in .env.example, names listed there only as commented defaults)."""
    text = ENV_EXAMPLE.read_text()
    set_names = set(re.findall(r"(?m)^([A-Z][A-Z0-9_]*)=", text))
    documented = set(re.findall(r"(?m)^# ([A-Z][A-Z0-9_]*)=", text))
    return set_names, documented


def test_every_setting_read_from_the_environment_is_in_env_example():
    assert "SECRET_KEY" in environment_names_read()
    set_names, documented = env_example_names()
    missing = sorted(environment_names_read() - set_names - documented)
    assert not missing, f"Add these to .env.example (set, or as '# NAME=default'): {missing}"


def test_every_value_in_env_example_is_used():
    compose_vars = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", COMPOSE.read_text()))
    entrypoint = (REPO / "deploy" / "entrypoint.sh").read_text()
    entrypoint_vars = set(re.findall(r"\$\{?([A-Z][A-Z0-9_]*)", entrypoint))
    used = environment_names_read() | compose_vars | entrypoint_vars | {"COMPOSE_PROJECT_NAME"}
    set_names, documented = env_example_names()
    stale = sorted((set_names | documented) - used)
    assert not stale, f"Nothing reads these; remove them from .env.example: {stale}"


def test_every_setting_read_from_the_environment_is_documented_in_the_readme():
    readme = (REPO / "README.md").read_text()
    undocumented = sorted(
        name
        for name in environment_names_read()
        if f"`{name}`" not in readme and not name.startswith("GUNICORN_")
    )
    assert not undocumented, f"Document these in README.md's settings table: {undocumented}"
    assert "`GUNICORN_*`" in readme

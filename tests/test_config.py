from pathlib import Path

import pytest

from labgraph.config import Settings
from labgraph.errors import ConfigError


def test_defaults() -> None:
    settings = Settings.load(environ={})
    assert settings.base_uri == "https://w3id.org/labgraph/"
    assert settings.host == "127.0.0.1"


def test_file_then_environment_then_overrides(tmp_path: Path) -> None:
    (tmp_path / "labgraph.toml").write_text('[labgraph]\nport = 9000\nbase_uri = "http://a.example/"\n')
    settings = Settings.load({"project_dir": tmp_path}, environ={"LABGRAPH_PORT": "9100"})
    assert (settings.base_uri, settings.port) == ("http://a.example/", 9100)
    assert Settings.load({"project_dir": tmp_path, "port": 9200}, environ={"LABGRAPH_PORT": "9100"}).port == 9200


@pytest.mark.parametrize(
    "env,message",
    [
        ({"LABGRAPH_PORT": "eighty"}, "port"),
        ({"LABGRAPH_PORT": "70000"}, "port"),
        ({"LABGRAPH_MAX_ROWS": "0"}, "max_rows"),
        ({"LABGRAPH_QUERY_TIMEOUT_S": "-1"}, "query_timeout_s"),
        ({"LABGRAPH_BASE_URI": "https://no-slash"}, "base_uri"),
    ],
)
def test_bad_values_are_refused_with_the_setting_named(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Settings.load(environ=env)


def test_unknown_setting_in_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "labgraph.toml").write_text("prot = 1\n")
    with pytest.raises(ConfigError, match="unknown setting"):
        Settings.load({"project_dir": tmp_path}, environ={})


def test_broken_toml_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "labgraph.toml").write_text("port = \n")
    with pytest.raises(ConfigError, match="labgraph.toml"):
        Settings.load({"project_dir": tmp_path}, environ={})


def test_service_allowlist_from_environment_and_file(tmp_path: Path) -> None:
    env = {"LABGRAPH_SERVICE_ALLOWLIST": "http://127.0.0.1:7878/query, https://query.wikidata.org/sparql"}
    assert Settings.load(environ=env).service_allowlist == (
        "http://127.0.0.1:7878/query",
        "https://query.wikidata.org/sparql",
    )
    (tmp_path / "labgraph.toml").write_text('service_allowlist = ["http://a.example/sparql"]\n')
    assert Settings.load({"project_dir": tmp_path}, environ={}).service_allowlist == ("http://a.example/sparql",)


def test_every_setting_is_documented_in_the_readme() -> None:
    import dataclasses

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text("utf-8")
    missing = [f.name for f in dataclasses.fields(Settings) if f"`{f.name}`" not in readme]
    assert missing == []

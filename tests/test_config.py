from pathlib import Path

import pytest

from labgraph.config import Settings
from labgraph.errors import ConfigError


def test_defaults() -> None:
    settings = Settings.load(environ={})
    assert settings.base_uri == "https://w3id.org/labgraph/"
    assert settings.host == "127.0.0.1"


def test_directories_are_absolute_from_the_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Resolved where settings are made: later code (Flask's send_from_directory, a chdir) cannot
    read a relative directory against another root than the one the user meant."""
    monkeypatch.chdir(tmp_path)
    settings = Settings.load({"build_dir": "out"}, environ={"LABGRAPH_PROJECT_DIR": "."})
    assert settings.project_dir == tmp_path.resolve() and settings.project_dir.is_absolute()
    assert settings.build_dir == tmp_path.resolve() / "out"
    assert settings.replace(build_dir="elsewhere").build_dir == tmp_path.resolve() / "elsewhere"
    assert Settings(project_dir=Path("sub/..")).project_dir == tmp_path.resolve()
    fixed = Settings.load({"store": "oxigraph:build/releases/x"}, environ={})
    assert fixed.store == f"oxigraph:{tmp_path.resolve()}/build/releases/x"


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


@pytest.mark.parametrize(
    "store,query_url,update_url",
    [
        ("sparql:http://127.0.0.1:7878/query", "http://127.0.0.1:7878/query", None),
        (
            "sparql:http://127.0.0.1:7878/query,http://127.0.0.1:7878/update",
            "http://127.0.0.1:7878/query",
            "http://127.0.0.1:7878/update",
        ),
        (
            "sparql:https://q.example/sparql, https://u.example/sparql",
            "https://q.example/sparql",
            "https://u.example/sparql",
        ),
        # the store's dataset stays with the query URL
        (
            "sparql:http://v:8890/sparql?default-graph-uri=urn:labgraph:default,http://v:8890/sparql",
            "http://v:8890/sparql?default-graph-uri=urn:labgraph:default",
            "http://v:8890/sparql",
        ),
        # commas that start no URL belong to the query URL; the update URL follows the last one that does
        ("sparql:http://q.example/sparql?x=a,b", "http://q.example/sparql?x=a,b", None),
        ("sparql:http://q.example/s?x=a,b,http://u.example/u", "http://q.example/s?x=a,b", "http://u.example/u"),
        (
            "sparql:http://q.example/s?g=http%3A//a,http://u.example/u",
            "http://q.example/s?g=http%3A//a",
            "http://u.example/u",
        ),
        ("oxigraph", None, None),
    ],
)
def test_the_store_names_a_query_url_and_optionally_an_update_url(
    store: str, query_url: str | None, update_url: str | None
) -> None:
    settings = Settings.load(environ={"LABGRAPH_STORE": store})
    assert (settings.query_url, settings.update_url) == (query_url, update_url)


@pytest.mark.parametrize(
    "store,message",
    [
        ("sparql:", "query URL must be an http"),
        ("sparql:127.0.0.1:7878/query", "query URL must be an http"),
        ("sparql:query,http://127.0.0.1:7878/update", "query URL must be an http"),
        ("sparql:http://127.0.0.1:7878/query,ftp://127.0.0.1/update", "update URL must be an http"),
        ("sparql:http://127.0.0.1:7878/query,http:///update", "update URL must be an http"),
        ("sparql:http://127.0.0.1:7878/query,", "nothing follows the comma"),
        ("sparql:http://[::1/query", "query URL must be an http"),
        ("remote:http://127.0.0.1:7878/query", r"sparql:QUERY_URL\[,UPDATE_URL\]"),
    ],
)
def test_bad_store_urls_are_refused(store: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Settings.load(environ={"LABGRAPH_STORE": store})

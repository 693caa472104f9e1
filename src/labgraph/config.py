"""All of labgraph's settings, in one place, with their defaults and help text.

Values come, lowest priority first, from the defaults below, a TOML file (``labgraph.toml`` in
the project directory, or the file named by ``LABGRAPH_CONFIG``), ``LABGRAPH_*`` environment
variables, and explicit overrides (command-line options). This module is the only reader of
the environment, so tests can build any configuration without touching ``os.environ``.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from labgraph.errors import ConfigError

ENV_PREFIX = "LABGRAPH_"
CONFIG_FILE_NAME = "labgraph.toml"


def _setting(default: Any, help: str) -> Any:
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class Settings:
    base_uri: str = _setting(
        "https://w3id.org/labgraph/",
        "Base of every URI labgraph mints (things under id/, the ontology under def/, graphs "
        "under graph/). Must end with '/'. Data files are written against the default base; "
        "another value is substituted at build time.",
    )
    project_dir: Path = _setting(Path("."), "Directory holding ontology/ and data/ (the sources of the graph).")
    build_dir: Path = _setting(
        Path("build"),
        "Directory where builds are written; build_dir/current always points at the last successful release.",
    )
    host: str = _setting("127.0.0.1", "Address the server listens on.")
    port: int = _setting(8080, "Port the server listens on.")

    def __post_init__(self) -> None:
        if not self.base_uri.endswith("/") or "://" not in self.base_uri:
            raise ConfigError(f"base_uri must be an absolute URI ending with '/': {self.base_uri!r}")
        if not 0 < self.port < 65536:
            raise ConfigError(f"port must be between 1 and 65535: {self.port}")

    @property
    def ontology_dir(self) -> Path:
        return self.project_dir / "ontology"

    @property
    def data_dir(self) -> Path:
        return self.project_dir / "data"

    @property
    def shapes_file(self) -> Path:
        return self.ontology_dir / "shapes.ttl"

    @classmethod
    def load(
        cls,
        overrides: Mapping[str, Any] | None = None,
        *,
        environ: Mapping[str, str] | None = None,
        config_file: Path | None = None,
    ) -> Settings:
        """Merge file, environment and overrides; ``None`` overrides are ignored."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        path = config_file or (Path(environ[ENV_PREFIX + "CONFIG"]) if ENV_PREFIX + "CONFIG" in environ else None)
        if path is None:
            project = Path((overrides or {}).get("project_dir") or environ.get(ENV_PREFIX + "PROJECT_DIR", "."))
            candidate = project / CONFIG_FILE_NAME
            path = candidate if candidate.is_file() else None
        if path is not None:
            values.update(_read_toml(path))
        for name in _field_names():
            key = ENV_PREFIX + name.upper()
            if key in environ:
                values[name] = environ[key]
        values.update({k: v for k, v in (overrides or {}).items() if v is not None})
        return cls(**_coerce(values))

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **_coerce(changes))


def _field_names() -> list[str]:
    return [f.name for f in dataclasses.fields(Settings)]


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read configuration file: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc
    table = data.get("labgraph", data)
    unknown = set(table) - set(_field_names())
    if unknown:
        raise ConfigError(f"{path}: unknown setting(s): {', '.join(sorted(unknown))}")
    return dict(table)


def _coerce(values: Mapping[str, Any]) -> dict[str, Any]:
    """Turn strings from files and the environment into each field's type."""
    types = {f.name: f.type for f in dataclasses.fields(Settings)}
    out: dict[str, Any] = {}
    for name, value in values.items():
        if name not in types:
            raise ConfigError(f"unknown setting: {name}")
        kind = types[name]
        try:
            if kind in ("Path", Path):
                out[name] = Path(value)
            elif kind in ("int", int):
                out[name] = int(value)
            elif kind in ("float", float):
                out[name] = float(value)
            else:
                out[name] = str(value)
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"setting {name}: cannot use {value!r}: {exc}") from exc
    return out

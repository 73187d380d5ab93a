"""Configuration profiles: conf/common.yml, overlaid by conf/<profile>.yml and the environment.

`JOBLAKE_PROFILE` picks the profile (local by default); `JOBLAKE__SECTION__KEY=value`
overrides a single key, e.g. `JOBLAKE__LAKE__ROOT=/data/lake`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

PROFILES = ("local", "test", "k8s")
ENV_PREFIX = "JOBLAKE__"


def env_name(dotted: str) -> str:
    """The environment variable that overrides a key: `lake.root` -> `JOBLAKE__LAKE__ROOT`."""
    return ENV_PREFIX + dotted.upper().replace(".", "__")


class ConfigError(ValueError):
    """Configuration that cannot be used, with a message meant for a person."""


@dataclass(frozen=True)
class Settings:
    """Resolved configuration of one profile: nested sections of plain values."""

    profile: str
    values: Mapping[str, Mapping[str, Any]]

    def __getitem__(self, dotted: str) -> Any:
        """`settings["kafka.topic"]` -> the value of one key."""
        section, _, key = dotted.partition(".")
        try:
            return self.values[section][key]
        except KeyError:
            raise ConfigError(f"unknown configuration key '{dotted}'") from None

    def path(self, dotted: str) -> str:
        """A path-valued key: URIs as they are, local paths made absolute against the cwd."""
        value = str(self[dotted])
        return value if "://" in value else str(Path(value).expanduser().resolve())

    def with_overrides(self, overrides: Mapping[str, Any]) -> Settings:
        """A copy with `{"section.key": value}` overrides (used by tests and the CLI)."""
        values = {section: dict(keys) for section, keys in self.values.items()}
        for dotted, value in overrides.items():
            self[dotted]  # raises on unknown keys
            section, _, key = dotted.partition(".")
            values[section][key] = value
        return Settings(self.profile, values)


def _read(name: str) -> dict[str, dict[str, Any]]:
    text = resources.files("lakehouse.conf").joinpath(f"{name}.yml").read_text()
    return yaml.safe_load(text) or {}


def _coerce(raw: str, like: Any) -> Any:
    """Parse an environment string to the type of the key it overrides."""
    if isinstance(like, list):
        return [item.strip() for item in raw.split(",") if item.strip()]
    if isinstance(like, bool):
        if raw.lower() not in {"true", "false", "1", "0", "yes", "no"}:
            raise ConfigError(f"expected true/false, got '{raw}'")
        return raw.lower() in {"true", "1", "yes"}
    if isinstance(like, int):
        return int(raw)
    if isinstance(like, float):
        return float(raw)
    return raw


def resolve(profile: str, environ: Mapping[str, str]) -> Settings:
    """Merge common + profile + environment overrides into Settings."""
    if profile not in PROFILES:
        raise ConfigError(f"unknown profile '{profile}' (choose one of {', '.join(PROFILES)})")
    values = _read("common")
    for section, keys in _read(profile).items():
        unknown = set(keys) - set(values.get(section, {}))
        if section not in values or unknown:
            raise ConfigError(f"profile {profile} sets keys common.yml does not define: {section}.{unknown or '*'}")
        values[section].update(keys)
    for name, raw in environ.items():
        if not name.startswith(ENV_PREFIX):
            continue
        section, _, key = name[len(ENV_PREFIX) :].lower().partition("__")
        if key not in values.get(section, {}):
            raise ConfigError(f"environment variable {name} names no configuration key")
        values[section][key] = _coerce(raw, values[section][key])
    return Settings(profile, values)


@cache
def load_settings(profile: str | None = None) -> Settings:
    """Settings for the given profile, or the one JOBLAKE_PROFILE names (default local)."""
    return resolve(profile or os.environ.get("JOBLAKE_PROFILE", "local"), os.environ)

"""Per-host request secrets (headers and cookies) from an optional YAML file and the environment.

The file (`scrape.secrets_file`, keep it `chmod 600`) looks like::

    hosts:
      www.linkedin.com:
        headers: {csrf-token: "..."}
        cookies: {li_at: "..."}

An environment variable adds or overrides one value for one host:

    JOBLAKE_SECRET_<HOST>_HEADER_<NAME>=value   e.g. JOBLAKE_SECRET_WWW_LINKEDIN_COM_HEADER_CSRF_TOKEN
    JOBLAKE_SECRET_<HOST>_COOKIE_<NAME>=value   e.g. JOBLAKE_SECRET_WWW_LINKEDIN_COM_COOKIE_li_at

`<HOST>` is the host name upper-cased with every character other than a letter or digit
replaced by `_` (`www.linkedin.com` -> `WWW_LINKEDIN_COM`, `127.0.0.1` -> `127_0_0_1`). A header
`<NAME>` has `_` turned into `-` (`CSRF_TOKEN` -> header `CSRF-TOKEN`; header names are
case-insensitive); a cookie `<NAME>` is taken verbatim, case and underscores kept (`li_at`).
Values are never logged, and never shown by `repr`/`str` or in error messages.
"""

from __future__ import annotations

import logging
import re
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from lakehouse.config import ConfigError

logger = logging.getLogger("joblake.secrets")

ENV_PREFIX = "JOBLAKE_SECRET_"
_KINDS = ("headers", "cookies")


def host_token(host: str) -> str:
    """The environment-variable spelling of a host: `www.linkedin.com` -> `WWW_LINKEDIN_COM`."""
    return re.sub(r"[^A-Za-z0-9]", "_", host).upper()


class Secrets:
    """Headers and cookies to send to each host; `for_host` hands them out, `repr` hides them."""

    def __init__(
        self,
        hosts: Mapping[str, Mapping[str, Mapping[str, str]]] | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self._hosts = {
            host.lower(): {kind: dict(values.get(kind, {})) for kind in _KINDS}
            for host, values in (hosts or {}).items()
        }
        self._environ = {name: value for name, value in (environ or {}).items() if name.upper().startswith(ENV_PREFIX)}
        for name, value in self._environ.items():
            _check_value(value, f"environment variable {name}")

    def for_host(self, host: str | None) -> tuple[dict[str, str], dict[str, str]]:
        """`(headers, cookies)` for one host (fresh dicts; the environment wins over the file)."""
        if not host:
            return {}, {}
        entry = self._hosts.get(host.lower(), {})
        headers, cookies = dict(entry.get("headers", {})), dict(entry.get("cookies", {}))
        prefix = ENV_PREFIX + host_token(host)
        for name, value in self._environ.items():
            upper = name.upper()
            if upper.startswith(prefix + "_HEADER_"):
                header = name[len(prefix) + len("_HEADER_") :].replace("_", "-")
                headers = {key: kept for key, kept in headers.items() if key.lower() != header.lower()}
                headers[header] = value
            elif upper.startswith(prefix + "_COOKIE_"):
                cookies[name[len(prefix) + len("_COOKIE_") :]] = value
        return headers, cookies

    @property
    def hosts(self) -> list[str]:
        """Hosts the file names (environment-only hosts are listed by `repr` as tokens)."""
        return sorted(self._hosts)

    def __bool__(self) -> bool:
        return bool(self._hosts or self._environ)

    def __repr__(self) -> str:
        env_hosts = sorted({m.group(1) for m in map(_ENV_NAME.match, self._environ) if m})
        env_part = f", env={env_hosts}" if env_hosts else ""
        return f"Secrets(hosts={self.hosts}{env_part}, values hidden)"

    __str__ = __repr__


_ENV_NAME = re.compile(ENV_PREFIX + r"(.+?)_(?:HEADER|COOKIE)_.+", re.IGNORECASE)


def load_secrets(path: str | Path | None, environ: Mapping[str, str]) -> Secrets:
    """Secrets from the YAML file at `path` (a missing file is empty) and `JOBLAKE_SECRET_*` variables."""
    hosts: dict[str, dict[str, dict[str, str]]] = {}
    if path is not None and Path(path).expanduser().is_file():
        file = Path(path).expanduser()
        _warn_if_readable_by_others(file)
        hosts = _parse_file(file)
    elif path is not None:
        logger.debug("no secrets file at %s", path)
    return Secrets(hosts, environ)


def _warn_if_readable_by_others(file: Path) -> None:
    mode = file.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        logger.warning("secrets file %s is accessible to group/others (mode %o): chmod 600 it", file, mode & 0o777)


def _parse_file(file: Path) -> dict[str, dict[str, dict[str, str]]]:
    try:
        data = yaml.safe_load(file.read_text()) or {}
    except yaml.YAMLError as error:
        # The YAML message quotes the offending line, which may hold a secret: report its number only.
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise ConfigError(f"secrets file {file} is not valid YAML{where}") from None
    if not isinstance(data, dict) or set(data) - {"hosts"}:
        raise ConfigError(f"secrets file {file}: expected one top-level key 'hosts'")
    hosts: dict[str, dict[str, dict[str, str]]] = {}
    for host, entry in (data.get("hosts") or {}).items():
        if not isinstance(entry, dict) or set(entry) - set(_KINDS):
            raise ConfigError(f"secrets file {file}: host {host} may only hold 'headers' and 'cookies'")
        hosts[str(host)] = {kind: _string_map(entry.get(kind), f"{file}: {host}.{kind}") for kind in _KINDS}
    return hosts


def _string_map(raw: Any, where: str) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ConfigError(f"secrets file {where}: expected a mapping of names to values")
    values = {str(name): str(value) for name, value in raw.items()}
    for name, value in values.items():
        _check_value(value, f"secrets file {where}.{name}")
    return values


def _check_value(value: str, where: str) -> None:
    """Reject values that would split an HTTP header (named by location, never by value)."""
    if "\r" in value or "\n" in value:
        raise ConfigError(f"{where}: a secret value must be a single line")

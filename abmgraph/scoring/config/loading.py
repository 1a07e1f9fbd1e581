"""Reading a scoring config: TOML in, a validated model out, errors as ``section.key: message``."""

from __future__ import annotations

import hashlib
import io
import json
import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from abmgraph.errors import ConfigError
from abmgraph.scoring.config.model import ScoringConfig

__all__ = ["config_from_bytes", "config_from_dict", "config_hash", "format_errors", "load_config"]


def format_errors(error: ValidationError) -> str:
    """Validation errors, one ``section.key: message`` line each."""
    lines = []
    for item in error.errors():
        where = ".".join(str(p) for p in item["loc"]) or "(top level)"
        message = "unknown setting" if item["type"] == "extra_forbidden" else item["msg"]
        lines.append(f"{where}: {message}")
    return "\n".join(lines)


def load_config(path: Path | None) -> ScoringConfig:
    """Read and validate a scoring config; the defaults when ``path`` is None."""
    if path is None:
        return ScoringConfig()
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise ConfigError(
            f"{path}: no such config file; run 'abmgraph init' to write one."
        ) from None
    return config_from_bytes(raw, source=str(path))


def config_from_bytes(raw: bytes, source: str) -> ScoringConfig:
    """Parse and validate a config file's bytes (UTF-8 TOML); ``source`` names it in errors.

    Line endings are read as a text file opened for reading reads them, so a
    file saved with any of them means the same.
    """
    try:
        text = io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8").read()
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{source}: not valid TOML: {exc}") from None
    return config_from_dict(data, source=source)


def config_from_dict(data: dict[str, Any], source: str = "config") -> ScoringConfig:
    """Validate a parsed config; ``source`` names it in the error."""
    try:
        return ScoringConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"{source} is invalid:\n{format_errors(exc)}") from None


def config_hash(config: ScoringConfig) -> str:
    """A stable fingerprint of the effective config (sha256 of its canonical JSON)."""
    text = json.dumps(config.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()

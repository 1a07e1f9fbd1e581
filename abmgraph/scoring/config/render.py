"""The commented default config file, written from the models themselves."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from abmgraph.scoring.config.model import ScoringConfig

__all__ = ["render_default"]


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot render {value!r} as TOML")


def _key(name: str) -> str:
    return name if name.replace("_", "").replace("-", "").isalnum() else json.dumps(name)


def _render(model: BaseModel, path: str, out: list[str]) -> None:
    nested: list[tuple[str, BaseModel | list | dict]] = []
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        if (
            isinstance(value, BaseModel)
            or (isinstance(value, list) and value and isinstance(value[0], BaseModel))
            or (
                isinstance(value, dict)
                and value
                and isinstance(next(iter(value.values())), BaseModel)
            )
        ):
            nested.append((name, value))
        elif isinstance(value, dict) and not value and _example(info):
            # An empty `name = {}` would forbid the [name.x] tables users add below it.
            out.append(f"# {info.description}")
            out.extend(f"# {line}" for line in _example(info))
        else:
            out.append(f"# {info.description}")
            out.append(f"{name} = {_toml_value(_plain(value))}")
    for name, value in nested:
        section = f"{path}.{name}" if path else name
        out.append("")
        if isinstance(value, BaseModel):
            doc = (type(value).__doc__ or "").strip().splitlines()[0]
            out.append(f"[{section}]")
            out.append(f"# {doc}")
            _render(value, section, out)
        elif isinstance(value, list):
            description = type(model).model_fields[name].description
            out.append(f"# {description}")
            for item in value:
                out.append(f"[[{section}]]")
                for key, v in item.model_dump(mode="json").items():
                    if v is not None:  # TOML has no null: an absent key is the default
                        out.append(f"{key} = {_toml_value(v)}")
        else:
            description = type(model).model_fields[name].description
            out.append(f"[{section}]")
            out.append(f"# {description}")
            for key, item in value.items():
                out.append(f"{_key(key)} = {_toml_value(item.model_dump(mode='json'))}")


def _example(info: Any) -> list[str]:
    extra = info.json_schema_extra
    return list(extra.get("example", [])) if isinstance(extra, dict) else []


def _plain(value: Any) -> Any:
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    return value


def render_default(config: ScoringConfig | None = None) -> str:
    """The scoring config as TOML, every setting preceded by a comment saying what it does."""
    out = [
        "# abmgraph scoring config.",
        "# Every setting is shown with its default; edit, then run 'abmgraph score'.",
        "# Unknown keys are an error, so a typo never goes unnoticed.",
    ]
    _render(config or ScoringConfig(), "", out)
    return "\n".join(out) + "\n"

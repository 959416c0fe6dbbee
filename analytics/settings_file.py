"""One settings file a consultant carries from client to client.

It holds the thresholds and dial weights (:class:`analytics.settings.Settings`), the stage
mapping (which CRM stages count as closed and won) and the column mappings made for exports
the app did not recognise. Dropped on the Data page with the next client's exports, it makes
a second workshop on the same CRM one upload.

Everything read from a file is checked: an unknown key is ignored, a value of the wrong type
or out of range is refused with a message naming it, never half-applied.

>>> text = build(Settings(), {"Signed": (True, True)}, [])
>>> bundle = parse(text)
>>> bundle.stage_outcomes
{'Signed': (True, True)}
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import UTC, datetime

from analytics.ingest.recognise import JSON_UPLOADS, mapping_from_data, mapping_from_json
from analytics.settings import Settings

FORMAT = "bench-strength-settings"
VERSION = 1
MAX_BYTES = 2 * 1024 * 1024


class SettingsFileError(ValueError):
    """A settings file that cannot be applied; the message is for the user."""


@dataclass(frozen=True)
class SettingsBundle:
    settings: Settings
    stage_outcomes: dict[str, tuple[bool, bool]]
    mappings: list[dict]


def build(settings: Settings, stage_outcomes: dict[str, tuple[bool, bool]], mappings: list[dict]) -> str:
    """The settings file's text (JSON)."""
    return json.dumps({
        "format": FORMAT,
        "version": VERSION,
        "saved_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "settings": settings.to_dict(),
        "stage_mapping": [{"stage": s, "is_closed": bool(c or w), "is_won": bool(w)}
                          for s, (c, w) in sorted(stage_outcomes.items())],
        "column_mappings": [{k: m[k] for k in ("format", "version", "name", "table", "columns", "source_headers")
                             if k in m} for m in mappings],
    }, indent=2, ensure_ascii=False)


def is_settings_file(text: str | bytes) -> bool:
    """True when the JSON text claims to be a settings file (a column mapping is not)."""
    if len(text) > MAX_BYTES:  # never parsed: too large for a settings file
        return False
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError, TypeError, RecursionError):
        return False
    return isinstance(data, dict) and data.get("format") == FORMAT


def _settings(raw: object, file_name: str) -> Settings:
    if not isinstance(raw, dict):
        raise SettingsFileError(f"{file_name}: 'settings' is not a set of named values.")
    default = Settings()
    clean: dict = {}
    for f in fields(Settings):
        if f.name not in raw:
            continue
        value, current = raw[f.name], getattr(default, f.name)
        if isinstance(current, bool):
            if not isinstance(value, bool):
                raise SettingsFileError(f"{file_name}: setting '{f.name}' must be true or false.")
        elif isinstance(current, (int, float)):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
                raise SettingsFileError(f"{file_name}: setting '{f.name}' must be a number of 0 or more.")
            if isinstance(current, int) and not float(value).is_integer():
                raise SettingsFileError(f"{file_name}: setting '{f.name}' must be a whole number.")
            value = type(current)(value)
        elif isinstance(current, tuple):
            if not isinstance(value, list) or not all(isinstance(p, list) and len(p) == 2 for p in value):
                raise SettingsFileError(f"{file_name}: setting '{f.name}' must be a list of pairs.")
            if f.name == "signal_weights":
                if not all(isinstance(k, str) and isinstance(v, (int, float)) and not isinstance(v, bool)
                           and math.isfinite(v) and 0 <= v <= 100 for k, v in value):
                    raise SettingsFileError(f"{file_name}: each dial weight must be a signal name and a number 0-100.")
                value = tuple((k, float(v)) for k, v in value)
            else:
                if not all(isinstance(k, str) and isinstance(v, str) for k, v in value):
                    raise SettingsFileError(f"{file_name}: setting '{f.name}' must be pairs of text.")
                value = tuple((k, v) for k, v in value)
        clean[f.name] = value
    settings = default.with_(**clean)
    if "survey_item_rules" in clean:
        import re

        for pattern, _ in settings.survey_item_rules:
            try:
                re.compile(pattern)
            except re.error:
                raise SettingsFileError(f"{file_name}: survey rule {pattern!r} is not a valid pattern.") from None
    return settings


def parse(text: str | bytes, file_name: str = "settings.json") -> SettingsBundle:
    """Read and check a settings file; raises SettingsFileError with a message for the user."""
    if len(text) > MAX_BYTES:
        raise SettingsFileError(f"{file_name}: too large for a settings file ({len(text):,} bytes).")
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
        raise SettingsFileError(f"{file_name}: not a settings file (the file is not valid JSON).") from None
    return from_data(data, file_name)


def from_data(data: object, file_name: str = "settings.json") -> SettingsBundle:
    """A settings file from its parsed JSON; raises SettingsFileError with a message for the user."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise SettingsFileError(f"{file_name}: not a Bench Strength settings file.")
    if data.get("version") != VERSION:
        raise SettingsFileError(f"{file_name}: settings file version {data.get('version')!r} is not one this app reads "
                                f"(it reads version {VERSION}).")
    settings = _settings(data.get("settings", {}), file_name)
    stages: dict[str, tuple[bool, bool]] = {}
    raw_stages = data.get("stage_mapping", [])
    if not isinstance(raw_stages, list):
        raise SettingsFileError(f"{file_name}: 'stage_mapping' is not a list.")
    for i, row in enumerate(raw_stages, start=1):
        if not (isinstance(row, dict) and isinstance(row.get("stage"), str)
                and isinstance(row.get("is_closed"), bool) and isinstance(row.get("is_won"), bool)):
            raise SettingsFileError(f"{file_name}: stage mapping entry {i} needs a stage name and true/false "
                                    "for is_closed and is_won.")
        stages[row["stage"]] = (row["is_closed"] or row["is_won"], row["is_won"])
    raw_maps = data.get("column_mappings", [])
    if not isinstance(raw_maps, list):
        raise SettingsFileError(f"{file_name}: 'column_mappings' is not a list.")
    mappings = []
    for i, m in enumerate(raw_maps, start=1):
        try:
            mappings.append(mapping_from_json(json.dumps(m), f"{file_name}, column mapping {i}"))
        except ValueError as exc:
            raise SettingsFileError(str(exc)) from None
    return SettingsBundle(settings, stages, mappings)


@dataclass(frozen=True)
class JsonUpload:
    """A JSON file dropped with the exports: a settings file (``bundle``), a saved column
    mapping (``mapping``), or neither (``error``, a message for the user naming the file)."""

    bundle: SettingsBundle | None = None
    mapping: dict | None = None
    error: str | None = None


def read_json_upload(file_name: str, size: int, read: Callable[[], bytes]) -> JsonUpload:
    """What a JSON upload is, from one parse of it. Its size is checked first: both kinds are
    small, so a larger file is refused without being read or parsed (parsing a 190 MB JSON
    held a server's core for ~4 s and took ~2 GB)."""
    if size > MAX_BYTES:
        return JsonUpload(error=f"{file_name}: too large for a settings file or a saved column mapping "
                                f"({size:,} bytes; they are at most {MAX_BYTES // (1024 * 1024)} MB), so it was not read. "
                                f"{JSON_UPLOADS}")
    text = read()
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return JsonUpload(error=f"{file_name}: not a saved mapping or settings file (the file is not valid JSON). "
                                f"{JSON_UPLOADS}")
    except RecursionError:  # nested deeper than either: neither
        data = None
    try:
        if isinstance(data, dict) and data.get("format") == FORMAT:
            return JsonUpload(bundle=from_data(data, file_name))
        return JsonUpload(mapping=mapping_from_data(data, file_name))
    except ValueError as exc:  # SettingsFileError too: the message is for the user
        return JsonUpload(error=str(exc))

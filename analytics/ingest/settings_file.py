"""One settings file a consultant carries from client to client.

It holds the thresholds and dial weights (:class:`analytics.settings.Settings`), the stage
mapping (which CRM stages count as closed and won) and the column mappings made for exports
the app did not recognise. Dropped on the Data page with the next client's exports, it makes
a second workshop on the same CRM one upload.

Everything read from a file is checked: an unknown key is ignored, a value of the wrong type
or out of range (:class:`analytics.settings.Settings` declares each setting's range), a list
longer than its cap, a duplicate or an overlong name is refused with a message naming it,
never half-applied. Nothing in the file is run: survey rules are keywords, not patterns.

>>> text = build(Settings(), {"Signed": (True, True)}, [])
>>> bundle = parse(text)
>>> bundle.stage_outcomes
{'Signed': (True, True)}
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from analytics.ingest.recognise import JSON_UPLOADS, MAX_JSON_BYTES, MAX_NAME_CHARS, mapping_from_data
from analytics.settings import SURVEY_ITEM_RULES, SettingError, Settings

FORMAT = "bench-strength-settings"
#: 2: survey rules are keywords (version 1 held regular expressions; read and converted, see
#: :func:`_rules_from_version_1`)
VERSION = 2
READS = (1, 2)
MAX_BYTES = MAX_JSON_BYTES
MAX_STAGES = 1000
MAX_MAPPINGS = 50


class SettingsFileError(ValueError):
    """A settings file that cannot be applied; the message is for the user."""


@dataclass(frozen=True)
class SettingsBundle:
    settings: Settings
    stage_outcomes: dict[str, tuple[bool, bool]]
    mappings: list[dict]


def build(settings: Settings, stage_outcomes: dict[str, tuple[bool, bool]], mappings: list[dict]) -> str:
    """The settings file's text (JSON): always a file this app reads back. A session can hold
    more than a file may (stages from several workspaces and files, mappings made over a long
    workshop), so the file keeps the first :data:`MAX_STAGES` stages given (the caller puts the
    workspace's own first) with names as a file may hold them, the newest :data:`MAX_MAPPINGS`
    mappings (their names cut to :data:`MAX_NAME_CHARS`), and leaves out the oldest mappings
    until it fits in :data:`MAX_BYTES`."""
    stages = [(s, o) for s, o in stage_outcomes.items()
              if isinstance(s, str) and s.strip() and len(s) <= MAX_NAME_CHARS][:MAX_STAGES]
    kept = [{k: (m[k][:MAX_NAME_CHARS] if k == "name" and isinstance(m[k], str) else m[k])
             for k in ("format", "version", "name", "table", "columns", "source_headers") if k in m}
            for m in list(mappings)[-MAX_MAPPINGS:]]
    while True:
        text = json.dumps({
            "format": FORMAT,
            "version": VERSION,
            "saved_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "settings": settings.to_dict(),
            "stage_mapping": [{"stage": s, "is_closed": bool(c or w), "is_won": bool(w)} for s, (c, w) in sorted(stages)],
            "column_mappings": kept,
        }, indent=2, ensure_ascii=False)
        if not kept or len(text.encode("utf-8")) <= MAX_BYTES:
            return text
        kept = kept[1:]


def _load(text: str | bytes) -> object:
    """The JSON of a file, or None when it is not JSON (bad text, a number of thousands of digits,
    nesting deeper than the parser goes)."""
    try:
        return json.loads(text)
    except (ValueError, RecursionError):  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        return None


def is_settings_file(text: str | bytes) -> bool:
    """True when the JSON text claims to be a settings file (a column mapping is not)."""
    if len(text) > MAX_BYTES:
        return False  # read as a column mapping, which refuses it as too large
    data = _load(text)
    return isinstance(data, dict) and data.get("format") == FORMAT


#: The survey rules of version 1 (regular expressions) as the keywords that replaced them.
_VERSION_1_RULES = dict(zip((r"\bi coach\b|my coaching", "coach", "direction|priorit|vision|goal",
                             "motivat|inspir|want to perform|energ", r"believe|buy.?in|plan|commit|trust"),
                            (keywords for keywords, _ in SURVEY_ITEM_RULES), strict=True))
#: a version-1 rule that is only words separated by "|" reads as those keywords
_PLAIN_ALTERNATIVES = re.compile(r"[\w' -]+(?:\|[\w' -]+)*")


def _rules_from_version_1(rules: object, file_name: str) -> object:
    """Version 1's survey rules ([pattern, kind] pairs, patterns run as regular expressions) as
    keywords: the app's own patterns become its keywords, a pattern of plain words separated by
    "|" becomes those words, and anything else is refused: no pattern from a file is run."""
    if not isinstance(rules, list):
        return rules  # the settings' own check says what is wrong
    out = []
    for i, rule in enumerate(rules, start=1):
        if isinstance(rule, list) and len(rule) == 2 and isinstance(rule[0], str):
            pattern = rule[0]
            if pattern in _VERSION_1_RULES:
                rule = [list(_VERSION_1_RULES[pattern]), rule[1]]
            elif _PLAIN_ALTERNATIVES.fullmatch(pattern):  # fixed, linear; the file is at most MAX_BYTES
                rule = [pattern.split("|"), rule[1]]
            else:
                shown = pattern if len(pattern) <= 40 else pattern[:40] + "…"
                raise SettingsFileError(
                    f"{file_name}: setting 'survey_item_rules', rule {i}: {shown!r} is a regular expression, which "
                    "this app no longer runs; survey rules are keywords now. Write the rule as a list of words, "
                    'such as [["coach", "mentor"], "coaching_rep"], or edit the rules on the What-if page and '
                    "download the settings file again.")
        out.append(rule)
    return out


def _settings(raw: object, version: int, file_name: str) -> Settings:
    if not isinstance(raw, dict):
        raise SettingsFileError(f"{file_name}: 'settings' is not a set of named values.")
    if version == 1 and "survey_item_rules" in raw:
        raw = {**raw, "survey_item_rules": _rules_from_version_1(raw["survey_item_rules"], file_name)}
    try:
        return Settings.from_dict(raw)
    except SettingError as exc:
        raise SettingsFileError(f"{file_name}: {exc}") from None


def _stages(raw: object, file_name: str) -> dict[str, tuple[bool, bool]]:
    if not isinstance(raw, list):
        raise SettingsFileError(f"{file_name}: 'stage_mapping' is not a list.")
    if len(raw) > MAX_STAGES:
        raise SettingsFileError(f"{file_name}: 'stage_mapping' holds {len(raw):,} stages; at most {MAX_STAGES:,} "
                                "are allowed.")
    stages: dict[str, tuple[bool, bool]] = {}
    for i, row in enumerate(raw, start=1):
        if not (isinstance(row, dict) and isinstance(row.get("stage"), str)
                and isinstance(row.get("is_closed"), bool) and isinstance(row.get("is_won"), bool)):
            raise SettingsFileError(f"{file_name}: 'stage_mapping' entry {i} needs a stage name and true/false "
                                    "for is_closed and is_won.")
        stage = row["stage"]
        if not stage.strip() or len(stage) > MAX_NAME_CHARS:
            raise SettingsFileError(f"{file_name}: 'stage_mapping' entry {i}: a stage name has 1 to "
                                    f"{MAX_NAME_CHARS} characters; this one has {len(stage):,}.")
        if stage in stages:
            shown = stage if len(stage) <= 40 else stage[:40] + "…"
            raise SettingsFileError(f"{file_name}: 'stage_mapping' entry {i}: the stage {shown!r} is listed twice.")
        stages[stage] = (row["is_closed"] or row["is_won"], row["is_won"])
    return stages


def parse(text: str | bytes, file_name: str = "settings.json") -> SettingsBundle:
    """Read and check a settings file; raises SettingsFileError with a message for the user."""
    if len(text) > MAX_BYTES:
        raise SettingsFileError(f"{file_name}: too large for a settings file ({len(text):,} bytes; at most "
                                f"{MAX_BYTES:,}).")
    data = _load(text)
    if data is None:
        raise SettingsFileError(f"{file_name}: not a settings file (the file is not valid JSON).")
    return from_data(data, file_name)


def from_data(data: object, file_name: str = "settings.json") -> SettingsBundle:
    """A settings file from its parsed JSON; raises SettingsFileError with a message for the user."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise SettingsFileError(f"{file_name}: not a Bench Strength settings file.")
    version = data.get("version")
    if type(version) is not int or version not in READS:
        shown = version if type(version) is int and abs(version) < 10**9 else "of this kind"
        raise SettingsFileError(f"{file_name}: settings file version {shown!r} is not one this app reads "
                                f"(it reads versions {READS[0]} to {READS[-1]}).")
    settings = _settings(data.get("settings", {}), version, file_name)
    stages = _stages(data.get("stage_mapping", []), file_name)
    raw_maps = data.get("column_mappings", [])
    if not isinstance(raw_maps, list):
        raise SettingsFileError(f"{file_name}: 'column_mappings' is not a list.")
    if len(raw_maps) > MAX_MAPPINGS:
        raise SettingsFileError(f"{file_name}: 'column_mappings' holds {len(raw_maps):,} mappings; at most "
                                f"{MAX_MAPPINGS} are allowed.")
    mappings = []
    for i, m in enumerate(raw_maps, start=1):
        try:
            mappings.append(mapping_from_data(m, f"{file_name}, column mapping {i}"))
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
    small, so a larger file is refused without being read or parsed (parsing a large JSON holds
    a server's core for seconds and takes many times its size in memory: benchmarks/RESULTS.md)."""
    if size > MAX_BYTES:
        return JsonUpload(error=f"{file_name}: too large for a settings file or a saved column mapping "
                                f"({size:,} bytes; they are at most {MAX_BYTES // (1024 * 1024)} MB), so it was not read. "
                                f"{JSON_UPLOADS}")
    text = read()
    try:
        data = json.loads(text)
    except ValueError:  # not JSON: bad text or encoding, or a number of thousands of digits
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

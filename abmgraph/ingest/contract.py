"""The data contract and the CRM presets as documentation and as template files.

The README's data-contract and preset sections are generated here from the
schema (``abmgraph.graph.schema``) and the preset tables
(``abmgraph.ingest.presets``), so they cannot drift from the code: a test
compares them, and ``python -m abmgraph.ingest.contract README.md`` rewrites
them in place between their ``<!-- … -->`` markers. ``write_templates``
writes an empty CSV with the contract's header for every kind.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

from abmgraph.errors import InputError
from abmgraph.graph.sales_vocab import ACTIVITY_TYPES, VERDICTS
from abmgraph.graph.schema import KINDS, MODELS, Kind, Parser, field_specs
from abmgraph.graph.vocab import BUYING_ROLES, DEPARTMENTS, ENGAGEMENT_TYPES, SENIORITIES
from abmgraph.ingest.presets import PRESETS
from abmgraph.ingest.sales_values import SALES_TRANSFORM_NOTES
from abmgraph.ingest.variants import Variant

__all__ = [
    "TRANSFORM_NOTES",
    "contract_markdown",
    "presets_markdown",
    "template_name",
    "update_readme",
    "write_templates",
]

_TYPES: dict[Parser, str] = {
    "id": "id (text)",
    "text": "text",
    "int": "whole number",
    "number": "number",
    "score": "number 0–100",
    "bool": "boolean",
    "datetime": "date or datetime",
    "email": "email address",
    "domain": "web domain or URL",
    "country": "ISO-3166 alpha-2 code or country name",
    "list": "`;`-separated list",
    "seniority": "seniority",
    "department": "department",
    "buying_role": "buying role",
    "buying_roles": "buying role(s), `;`-separated",
    "engagement_type": "engagement type",
    "email_status": "`valid`, `bounced` or `unknown`",
    "phone": "phone number (stored as E.164 when it parses)",
    "verdict": "`accepted`, `rejected` or `recycled`",
    "activity_type": "`call`, `email` or `meeting`",
}

# What each preset value transform does, in one line for the README.
TRANSFORM_NOTES: dict[str, str] = {
    "first_of_list": "first item of a `;`-separated list",
    "salesforce_bounced": "true → `bounced`, false → `valid`",
    "salesforce_activity_type": "Call, Meeting, Event, Demo → `meeting_held`; Webinar → "
    "`webinar_attended`; sent emails and open tasks rejected",
    "salesforce_member_status": "Attended/Responded → `webinar_attended` or "
    "`event_attended`; Registered → `webinar_registered`; Sent/Planned rejected",
    "salesforce_account_type": "a type naming customer → true",
    "department_text": "free text → department; unknown text: inferred from the title",
    "stage_won": "`closedwon` / `Closed Won` → true, other stages → false",
    "stage_closed": "won, lost or `Closed …` → true, other stages → false",
    "currency_code": "upper-cased ISO 4217 code",
    "hubspot_lifecycle_customer": "customer or evangelist → true",
    "hubspot_lawful_basis": "`consent`, `legitimate_interest`, `contract`, "
    "`process_and_store` or `not_applicable`",
    "hubspot_consent": "Freely given consent → true; any other basis → unknown",
    "hubspot_marketing_contact": "Marketing contact → true, Non-marketing contact → false",
    "refusal": "opted out (true) → consent false; false → unknown",
    "hubspot_activity_type": "Meeting, Call → `meeting_held`; Incoming email → "
    "`email_reply`; Email, Note, Task rejected",
    "hubspot_meeting_outcome": "any outcome → `meeting_held`; No show and Canceled rejected",
    "hubspot_call_outcome": "any outcome → `meeting_held`; No answer, Busy, voicemail, "
    "Wrong number rejected",
}

TRANSFORM_NOTES.update(SALES_TRANSFORM_NOTES)

_CLI_KIND = {kind: kind.replace("_", "-") for kind in KINDS}


def template_name(kind: Kind) -> str:
    """The file name of a kind's template: ``opportunity-contacts.csv``."""
    return f"{_CLI_KIND[kind]}.csv"


def write_templates(folder: str | Path, *, force: bool = False) -> list[Path]:
    """Write an empty CSV with the contract's header for every kind into ``folder``.

    Existing files are left alone (``InputError`` naming them, nothing written)
    unless ``force``.
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{folder} is a file; give a folder for the templates.")
    paths = [folder / template_name(kind) for kind in KINDS]
    existing = [p for p in paths if p.exists()]
    if existing and not force:
        names = ", ".join(p.name for p in existing)
        raise InputError(
            f"{folder} already has {names}; nothing was written. Use --force to overwrite."
        )
    folder.mkdir(parents=True, exist_ok=True)
    for kind, path in zip(KINDS, paths, strict=True):
        with path.open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerow([spec.name for spec in field_specs(kind)])
    return paths


# -- markdown -----------------------------------------------------------------------------------
def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _description(kind: Kind, name: str) -> str:
    return MODELS[kind].model_fields[name].description or ""


def contract_markdown() -> str:
    """The data-contract reference: every kind's columns, then the accepted values."""
    from abmgraph.ingest.scalars import FALSE_WORDS, TRUE_WORDS

    out = [
        "Every kind is a CSV (with a header), Parquet or JSON Lines file. Headers match "
        "case-insensitively; columns the contract does not name are kept as attributes. "
        "`abmgraph init --templates DIR` writes an empty CSV with these headers for every kind.",
    ]
    for kind in KINDS:
        out += ["", f"**{_CLI_KIND[kind]}**", ""]
        out += ["| column | required | type | also read from | meaning |", "|---|---|---|---|---|"]
        for spec in field_specs(kind):
            aliases = ", ".join(f"`{a}`" for a in spec.aliases)
            out.append(
                f"| `{spec.name}` | {'yes' if spec.required else ''} | {_TYPES[spec.parser]} "
                f"| {aliases} | {_cell(_description(kind, spec.name))} |"
            )
    truth = ", ".join(f"`{v}`" for v in sorted(TRUE_WORDS))
    falsity = ", ".join(f"`{v}`" for v in sorted(FALSE_WORDS))
    out += [
        "",
        f"- **Booleans**: true is {truth}; false is {falsity} (any case); empty is unknown.",
        "- **Dates**: ISO-8601 dates and datetimes (`2026-09-30`, `2026-09-30 14:05:00`, "
        "`2026-09-30T14:05:00.000+0000`); a time without a zone is UTC.",
        "- **Engagement types**: " + ", ".join(f"`{t}`" for t in ENGAGEMENT_TYPES) + "; "
        "a config may add its own.",
        "- **Seniority**: " + ", ".join(f"`{v}`" for v in SENIORITIES) + ".",
        "- **Department**: " + ", ".join(f"`{v}`" for v in DEPARTMENTS) + ".",
        "- **Buying role**: " + ", ".join(f"`{v}`" for v in BUYING_ROLES) + "; a contact "
        "may hold several (`influencer;end_user`).",
        "- **Consent**: `consent` has three states: true (given), false (refused), "
        "empty (unknown).",
        "- **Verdict** (feedback): " + ", ".join(f"`{v}`" for v in VERDICTS) + "; CRM "
        "statuses such as Working - Contacted, Qualified, Unqualified, Nurturing and "
        "Bad Timing are read as one of these.",
        "- **Activity type** (sales-activities): "
        + ", ".join(f"`{t}`" for t in ACTIVITY_TYPES)
        + "; a rep's activity never changes a score.",
    ]
    return "\n".join(out)


def _sources(sources: tuple[str | tuple[str, str], ...]) -> list[str]:
    """Source labels, a run of labels read the same way followed by one note."""
    runs: list[tuple[str | None, list[str]]] = []
    for source in sources:
        label, transform = (source, None) if isinstance(source, str) else source
        if runs and runs[-1][0] == transform:
            runs[-1][1].append(f"`{label}`")
        else:
            runs.append((transform, [f"`{label}`"]))
    return [
        ", ".join(labels) + (f" ({TRANSFORM_NOTES[transform]})" if transform else "")
        for transform, labels in runs
    ]


def _variant_markdown(kind: Kind, variant: Variant) -> list[str]:
    contract = {spec.name for spec in field_specs(kind)}
    title = f"**{_CLI_KIND[kind]}** — {variant.name}"
    if variant.when:
        groups = " and ".join(" or ".join(f"`{c}`" for c in group) for group in variant.when)
        title += f" (when the file has {groups})"
    out = ["", title, "", "| field | read from (the first non-empty) |", "|---|---|"]
    for name, sources in variant.columns.items():
        shown = f"`{name}`" if name in contract else f"`{name}` (attribute)"
        cells = _sources(sources)
        if name in variant.defaults:
            cells.append(f"else `{variant.defaults[name]}`")
        out.append(f"| {shown} | {_cell('; '.join(cells))} |")
    for name, value in variant.defaults.items():
        if name not in variant.columns:
            out.append(f"| `{name}` | always `{value}` |")
    return out


def presets_markdown() -> str:
    """What each CRM preset reads for each field, generated from the preset tables."""
    out = [
        "Each field takes the first non-empty column of its list, row by row; the contract's "
        "own column names are accepted too. A transform in brackets says how the value is "
        "read. Fields marked (attribute) are kept beside the contract's columns.",
    ]
    for preset in ("salesforce", "hubspot"):
        out += ["", f"#### `--preset {preset}`"]
        if preset == "salesforce":
            out += [
                "",
                "Salesforce's null id (`000000000000000AAA`, or 15 zeros) reads as empty in "
                "every id and lookup column.",
            ]
        for kind in KINDS:
            for variant in PRESETS[preset].get(kind, ()):
                out += _variant_markdown(kind, variant)
    return "\n".join(out)


_SECTIONS = {"contract": contract_markdown, "presets": presets_markdown}


def update_readme(text: str) -> str:
    """``text`` with every generated section replaced by what the code says now."""
    for name, render in _SECTIONS.items():
        begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
        pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.DOTALL)
        if not pattern.search(text):
            raise InputError(f"README has no {begin} … {end} section.")
        section = f"{begin}\n{render()}\n{end}"
        text = pattern.sub(lambda _m, section=section: section, text)
    return text


if __name__ == "__main__":  # python -m abmgraph.ingest.contract README.md
    readme = Path(sys.argv[1] if len(sys.argv) > 1 else "README.md")
    readme.write_text(update_readme(readme.read_text(encoding="utf-8")), encoding="utf-8")

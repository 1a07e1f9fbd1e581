"""Why rows were left out of an export, in words, with what to do about each reason."""

from __future__ import annotations

from collections.abc import Mapping

from abmgraph.scoring.export_settings import setting_name

__all__ = ["explain_left_out", "fixes"]

# What a user can do about each reason; `{platform}` and `{setting}` are filled in.
_FIXES: dict[str, str] = {
    "no_consent": (
        "load consent with the contacts (a consent column: true/false), or, where another "
        "lawful basis covers them, accept unknown consent with "
        '[export.consent] {setting} = ["given", "unknown"] in scoring.toml, '
        "or pass --no-require-consent"
    ),
    "opted_out": "none: they opted out (a contacts file with opted_out=false lifts a flag)",
    "bounced": "none: their email bounced (email_status=valid in a contacts file lifts it)",
    "no_account": "give these contacts an account_id, or an email at an account's domain",
    "account_not_selected": "widen the account filters (--tier, --min-priority, --stage)",
    "not_scored": "run 'abmgraph score'",
    "customer": "pass --include-customers",
    "tier": "widen --tier",
    "min_priority": "lower --min-priority",
    "stage": "widen --stage",
    "not_in_account_ids": "add them to the --account-ids file",
    "quadrant": "widen --quadrant",
    "roles": "widen --roles",
    "min_contact_score": "lower --min-contact-score",
    "no_identifier": "load emails or phone numbers for these contacts",
    "duplicate": "none: the same person is already in the list",
}


def explain_left_out(excluded: Mapping[str, int], platform: str) -> str:
    """``left out 12: no_consent 10 (fix: …), opted_out 2 (fix: none: …)``; empty when none."""
    parts = []
    for reason, count in excluded.items():
        if not count:
            continue
        fix = _FIXES.get(reason, "")
        fix = fix.format(platform=platform, setting=setting_name(platform))
        parts.append(f"{reason} {count:,}" + (f" (fix: {fix})" if fix else ""))
    if not parts:
        return ""
    return f"left out {sum(excluded.values()):,}: " + "; ".join(parts)


def fixes(excluded: Mapping[str, int], platform: str) -> str:
    """``customer: pass --include-customers; tier: widen --tier`` for reasons a user can act on."""
    parts = []
    for reason, count in excluded.items():
        fix = _FIXES.get(reason, "")
        if count and fix and not fix.startswith("none"):
            parts.append(
                f"{reason}: {fix.format(platform=platform, setting=setting_name(platform))}"
            )
    return "; ".join(parts)

"""X Education ``Leads.csv``: 9,240 course leads and whether each converted.

Only the columns in ``ATTRIBUTES`` (and the id, activity and outcome columns)
are read. ``LEAKAGE`` lists the columns filled in after sales contact; they
are never read, so no feature or file can carry them. The file has a
trailing comma on every line (an empty unnamed last column, never read
either) and writes "Select" for an unanswered drop-down, read as empty.
There are no dates: every event is stamped ``EVENT_DATE``, so score with
``--as-of`` that day and split with ``--holdout``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from abmgraph.datasets.convert import ConvertedDataset, find_file
from abmgraph.datasets.leads import lead_accounts, outcomes_frame, repeat_events, yes_no
from abmgraph.errors import InputError, InternalError

__all__ = ["ATTRIBUTES", "EVENT_DATE", "LEAKAGE", "LEAKAGE_PREFIXES", "convert_x_education"]

LEAKAGE = ("Tags", "Lead Quality", "Lead Profile", "Last Notable Activity")
LEAKAGE_PREFIXES = ("Asymmetrique",)
EVENT_DATE = "2020-01-01"

# Source column → contact attribute (text as written, "Select" read as empty).
ATTRIBUTES = {
    "Lead Origin": "lead_origin",
    "Lead Source": "lead_source",
    "Last Activity": "last_activity",
    "Country": "lead_country",
    "City": "city",
    "Specialization": "specialization",
    "How did you hear about X Education": "heard_from",
    "What is your current occupation": "occupation",
    "What matters most to you in choosing a course": "course_motivation",
    "Total Time Spent on Website": "time_on_website_seconds",
    "Page Views Per Visit": "page_views_per_visit",
}
# Yes/No source columns → true/false contact attributes.
FLAGS = {
    "Do Not Call": "do_not_call",
    "Search": "saw_search_ad",
    "Magazine": "saw_magazine_ad",
    "Newspaper Article": "saw_newspaper_article",
    "X Education Forums": "saw_forums",
    "Newspaper": "saw_newspaper_ad",
    "Digital Advertisement": "saw_digital_ad",
    "Through Recommendations": "through_recommendation",
    "Receive More Updates About Our Courses": "receive_course_updates",
    "Update me on Supply Chain Content": "supply_chain_updates",
    "Get updates on DM Content": "dm_updates",
    "I agree to pay the amount through cheque": "pays_by_cheque",
    "A free copy of Mastering The Interview": "free_interview_copy",
}
ID, OUTCOME, VISITS, DO_NOT_EMAIL = "Lead Number", "Converted", "TotalVisits", "Do Not Email"
COLUMNS = (ID, OUTCOME, VISITS, DO_NOT_EMAIL, *ATTRIBUTES, *FLAGS)

# The last activity, where the contract has an engagement type for it (the rest stay
# in the last_activity attribute only). A page visit is already counted by the visits.
LAST_ACTIVITY_EVENTS = {
    "Email Opened": "email_open",
    "Email Link Clicked": "email_click",
    "View in browser link Clicked": "email_click",
    "Form Submitted on Website": "form_submit",
    "Converted to Lead": "form_submit",
    "Email Bounced": "email_bounce",
    "Unsubscribed": "unsubscribe",
    "Email Marked Spam": "spam_complaint",
    "Had a Phone Conversation": "meeting_held",
    "Visited Booth in Tradeshow": "event_attended",
}


def is_leakage(column: str) -> bool:
    """True for a column filled in after sales contact."""
    return column in LEAKAGE or column.startswith(LEAKAGE_PREFIXES)


def check_no_leakage(columns: list[str] | pd.Index) -> None:
    """Refuse to go on when a column filled in after sales contact would be used."""
    leaked = [c for c in columns if is_leakage(c)]
    if leaked:
        raise InternalError(
            f"the X Education converter would read the leakage column(s) {', '.join(leaked)}, "
            "known only after sales contact; nothing was written. This is a bug in "
            "abmgraph: please report it."
        )


def _read(path: Path) -> pd.DataFrame:
    try:
        frame = pd.read_csv(
            path,
            usecols=lambda c: c in COLUMNS,
            dtype="str",
            keep_default_na=False,
            na_values=[""],
        )
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not a readable X Education Leads.csv ({exc}).") from None
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(
            f"{path}: missing columns {', '.join(missing)}; give the X Education Leads.csv."
        )
    check_no_leakage(frame.columns)  # a runtime check: it holds under python -O too
    return frame.replace("Select", pd.NA)


def convert_x_education(source: Path) -> ConvertedDataset:
    """Read X Education's ``Leads.csv`` (or its folder) into native-contract frames."""
    leads = _read(find_file(source, "Leads.csv"))
    contact_ids = "L" + leads[ID].str.strip()
    account_ids, accounts = lead_accounts(contact_ids.str.slice(1), "Lead")
    contacts = pd.DataFrame(
        {
            "contact_id": contact_ids,
            "account_id": account_ids,
            "opted_out": yes_no(leads[DO_NOT_EMAIL]),
            **{name: leads[column].str.strip() for column, name in ATTRIBUTES.items()},
            **{name: yes_no(leads[column]) for column, name in FLAGS.items()},
        }
    )
    stamp = f"{EVENT_DATE}T00:00:00Z"
    last = leads["Last Activity"].map(LAST_ACTIVITY_EVENTS)
    has_last = last.notna().to_numpy()
    engagements = pd.concat(
        [
            repeat_events(contact_ids, leads[VISITS], "page_view", stamp),
            pd.DataFrame(
                {
                    "event_id": (contact_ids + "-last-activity")[has_last].to_numpy(),
                    "contact_id": contact_ids[has_last].to_numpy(),
                    "type": last[has_last].to_numpy(),
                    "occurred_at": stamp,
                }
            ),
        ],
        ignore_index=True,
    )
    converted = pd.to_numeric(leads[OUTCOME], errors="coerce").fillna(0).to_numpy() == 1
    outcomes = outcomes_frame(contact_ids, account_ids, pd.Series(np.asarray(converted)))
    return ConvertedDataset(
        name="x-education",
        frames={
            "accounts": accounts,
            "contacts": contacts,
            "engagements": engagements,
            "outcomes": outcomes,
        },
        as_of=EVENT_DATE,
        notes=[
            "One account per lead; website visits are page_view events and the last "
            "activity an event where the contract has a type for it.",
            f"No dates in the source: every event is on {EVENT_DATE}; calibrate with --holdout.",
        ],
    )

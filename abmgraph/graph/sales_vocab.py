"""Vocabularies of the sales side: verdicts on handovers, and reps' activity types.

Keys of the alias tables are folded with ``vocab.alias_key`` (case, spaces and
punctuation never matter); canonical names map to themselves. The CRM lead
statuses that are not a verdict yet (New, Open - Not Contacted) are not here:
the presets reject them with that reason (``ingest.sales_values``).
"""

from __future__ import annotations

__all__ = ["ACTIVITY_ALIASES", "ACTIVITY_TYPES", "VERDICTS", "VERDICT_ALIASES"]

VERDICTS = ("accepted", "rejected", "recycled")

VERDICT_ALIASES = {
    "accept": "accepted",
    "sal": "accepted",
    "salesaccepted": "accepted",
    "salesacceptedlead": "accepted",
    "qualified": "accepted",
    "sql": "accepted",
    "working": "accepted",
    "converted": "accepted",
    "reject": "rejected",
    "salesrejected": "rejected",
    "disqualified": "rejected",
    "unqualified": "rejected",
    "notqualified": "rejected",
    "recycle": "recycled",
    "nurture": "recycled",
    "nurturing": "recycled",
    "backtomarketing": "recycled",
    "badtiming": "recycled",
}

ACTIVITY_TYPES = ("call", "email", "meeting")

ACTIVITY_ALIASES = {
    "phone": "call",
    "phonecall": "call",
    "calllogged": "call",
    "loggedcall": "call",
    "outboundcall": "call",
    "inboundcall": "call",
    "coldcall": "call",
    "mail": "email",
    "emailsent": "email",
    "sentemail": "email",
    "outgoingemail": "email",
    "emailsentfromcrm": "email",
    "listemail": "email",
    "massemail": "email",
    "sequenceemail": "email",
    "linkedinmessage": "email",
    "inmail": "email",
    "event": "meeting",
    "demo": "meeting",
    "appointment": "meeting",
    "videocall": "meeting",
}

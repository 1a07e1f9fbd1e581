"""Engagement events: who engages, when, with which event type, asset and campaign."""

import numpy as np
import pandas as pd

from abmgraph.demo.accounts import Accounts
from abmgraph.demo.catalog import DETAILS, MIX_ORDER, MIXES, PAID
from abmgraph.demo.columns import as_text, lookup, serial_ids, utc_times
from abmgraph.demo.contacts import Contacts
from abmgraph.demo.draws import WINDOW_DAYS, draw_instants, draw_within, grouped
from abmgraph.graph.vocab import ENGAGEMENT_TYPES

__all__ = ["EVENTS_PER_CONTACT", "draw_activity", "draw_engagements"]


EVENTS_PER_CONTACT = 16  # default events when no total is given
_DORMANT, _BACKGROUND, _IN_MARKET, _HYPERACTIVE = range(4)  # indexes into MIX_ORDER


def draw_activity(
    rng: np.random.Generator, acc: Accounts, con: Contacts, in_market: np.ndarray
) -> np.ndarray:
    """Who engages: the activity class of every contact."""
    account, seniority, starts = con.account, con.seniority, con.starts
    n, n_acc = len(account), len(in_market)
    local = np.arange(n) - starts[account]
    sizes = np.bincount(account, minlength=n_acc)
    ours = in_market[account]

    # In market: most of the committee, seniors most of all, at least three people...
    engaged = ours & (rng.random(n) < np.array([0.55, 0.75, 0.80, 0.70, 0.60, 0.30])[seniority])
    thin = np.bincount(account, weights=engaged, minlength=n_acc) < np.minimum(3, sizes)
    engaged |= ours & thin[account] & (local < 3)
    # ...though some buying groups leave a whole department out.
    someone = starts + (rng.random(n_acc) * sizes).astype(np.int64)
    missing = np.where(rng.random(n_acc) < 0.25, con.department[someone], -1)
    engaged &= ~(ours & (con.department == missing[account]) & (local > 0))

    # Elsewhere: mostly one or two people, rarely more, juniors more than executives.
    busy = np.where(
        acc.customer,
        rng.choice(4, n_acc, p=[0.2, 0.3, 0.3, 0.2]),
        np.where(
            acc.target,
            rng.choice(5, n_acc, p=[0.3, 0.4, 0.2, 0.07, 0.03]),
            rng.choice(3, n_acc, p=[0.5, 0.35, 0.15]),
        ),
    )
    key = rng.exponential(size=n) / np.array([0.3, 0.5, 0.8, 1.2, 1.3, 1.0])[seniority]
    order = np.lexsort((key, account))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n) - starts[account[order]]
    background = ~ours & (rank < busy[account])

    activity = np.full(n, _DORMANT, dtype=np.int8)
    activity[background] = _BACKGROUND
    activity[engaged] = _IN_MARKET
    # Noise: a hyperactive junior (the committee's last, most junior person) at a few
    # out-of-market target accounts.
    loud = acc.target & ~in_market & (rng.random(n_acc) < 0.04)
    activity[(starts + sizes - 1)[loud]] = _HYPERACTIVE
    return activity


def _days_ago(
    rng: np.random.Generator, con: Contacts, activity: np.ndarray, who: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Age of every event in days, and which in-market events belong to the surge.

    Dormant contacts trickle, mostly long ago; background contacts come in personal
    bursts (or steadily); in-market committees surge since a per-account start 18–32
    days back; the hyperactive junior is recent.
    """
    total = len(who)
    kind = activity[who]
    u = rng.random(total, dtype=np.float32)
    v = rng.random(total, dtype=np.float32)
    z = rng.standard_normal(total, dtype=np.float32)
    centre = rng.uniform(5, WINDOW_DAYS - 2, len(activity)).astype(np.float32)
    steady = rng.random(len(activity)) < 0.3
    start = rng.uniform(18, 32, len(con.starts)).astype(np.float32)[con.account][who]
    surge = (kind == _IN_MARKET) & (u < 0.7)

    days = np.where(u < 0.15, v * WINDOW_DAYS, 30 + v * (WINDOW_DAYS - 30))
    burst = np.where(steady[who], v * WINDOW_DAYS, np.clip(centre[who] + 12 * z, 0, 179.9))
    days = np.where(kind == _BACKGROUND, burst, days)
    before = start + v * (WINDOW_DAYS - start)
    days = np.where(kind == _IN_MARKET, np.where(surge, v * start, before), days)
    days = np.where(kind == _HYPERACTIVE, v * 28, days)
    return days, surge


def _event_types(
    rng: np.random.Generator,
    activity: np.ndarray,
    who: np.ndarray,
    surge: np.ndarray,
    per_contact: np.ndarray,
) -> np.ndarray:
    """Event types drawn from each event's activity mix.

    In-market activity outside the surge looks like background activity.
    """
    mix = activity[who]
    mix = np.where((mix == _IN_MARKET) & ~surge, _BACKGROUND, mix)
    u = rng.random(len(who))
    types = np.empty(len(who), dtype=np.int8)
    for code, name in enumerate(MIX_ORDER):
        weights = np.array([MIXES[name].get(t, 0.0) for t in ENGAGEMENT_TYPES])
        cumulative = np.cumsum(weights / weights.sum())
        rows = mix == code
        types[rows] = np.searchsorted(cumulative, u[rows], side="right").clip(max=len(weights) - 1)
    # The hyperactive junior also asks for a demo once.
    first_event = np.cumsum(per_contact) - per_contact
    loud = (activity == _HYPERACTIVE) & (per_contact > 0)
    types[first_event[loud]] = ENGAGEMENT_TYPES.index("demo_request")
    return types


def _event_details(rng: np.random.Generator, types: np.ndarray) -> dict[str, pd.Series]:
    """Asset, campaign and channel per event, drawn from the type's lists."""
    details = [DETAILS[name] for name in ENGAGEMENT_TYPES]
    assets, asset_at = grouped([d[0] for d in details])
    channels, channel_at = grouped([d[1] for d in details])
    campaigns, campaign_at = grouped([d[2] for d in details])
    asset = draw_within(rng, asset_at, types)
    channel = draw_within(rng, channel_at, types)
    campaign = draw_within(rng, campaign_at, types)
    # Paid campaigns only tag paid traffic.
    paid_campaign = np.array([c in PAID for c in campaigns])[campaign]
    campaign = np.where(paid_campaign & (np.array(channels) != "paid")[channel], -1, campaign)
    return {
        "asset": as_text(lookup(assets, asset)),
        "campaign": as_text(lookup(campaigns, campaign)),
        "channel": as_text(lookup(channels, channel)),
    }


def draw_engagements(
    rng: np.random.Generator,
    con: Contacts,
    activity: np.ndarray,
    total: int,
    anchor: pd.Timestamp,
) -> pd.DataFrame:
    """Exactly ``total`` events, shared out by activity and sorted by time."""
    weight = np.array([0.3, 1.0, 1.8, 7.0])[activity] * rng.lognormal(0.0, 0.5, len(activity))
    senior_pace = np.array([0.5, 0.7, 0.9, 1.0, 1.1, 1.0])[con.seniority]
    weight *= np.where(activity == _IN_MARKET, senior_pace, 1.0)
    per_contact = rng.multinomial(total, weight / weight.sum())
    who = np.repeat(np.arange(len(activity), dtype=np.int32), per_contact)
    days, surge = _days_ago(rng, con, activity, who)
    types = _event_types(rng, activity, who, surge, per_contact)
    del surge
    stamp = draw_instants(rng, days, anchor)
    del days
    order = np.argsort(stamp, kind="stable")
    stamp, who, types = stamp[order], who[order], types[order]
    del order
    return pd.DataFrame(
        {
            "event_id": as_text(serial_ids("E", total, 9)),
            "contact_id": as_text(lookup(con.ids, who)),
            "type": as_text(lookup(ENGAGEMENT_TYPES, types)),
            "occurred_at": utc_times(stamp),
            **_event_details(rng, types),
        }
    )

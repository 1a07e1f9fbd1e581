"""Third-party intent: topic surge scores per account, as an intent provider delivers them."""

import numpy as np
import pandas as pd

from abmgraph.demo.accounts import Accounts
from abmgraph.demo.catalog import OTHER_TOPICS, RELEVANT_TOPICS
from abmgraph.demo.columns import as_text, lookup, utc_times
from abmgraph.demo.draws import DAY_US, WINDOW_DAYS

__all__ = ["draw_intent"]


def draw_intent(
    rng: np.random.Generator, acc: Accounts, in_market: np.ndarray, anchor: pd.Timestamp
) -> pd.DataFrame:
    """Third-party intent: in-market accounts surge (70+) on relevant topics lately."""
    n = len(in_market)
    covered = rng.random(n) < np.where(in_market, 0.9, np.where(acc.target, 0.6, 0.3))
    hot = np.where(in_market & covered, rng.integers(2, 4, size=n), 0)
    # Noise: the odd out-of-market account shows one surge too.
    hot = np.where(~in_market & covered & (rng.random(n) < 0.06), 1, hot)
    cold = np.where(covered, rng.integers(1, 5, size=n), 0)
    account = np.concatenate([np.repeat(np.arange(n), hot), np.repeat(np.arange(n), cold)])
    is_hot = np.arange(len(account)) < hot.sum()
    rows = len(account)
    topics = RELEVANT_TOPICS + OTHER_TOPICS
    topic = np.where(
        is_hot,
        rng.integers(len(RELEVANT_TOPICS), size=rows),
        rng.integers(len(topics), size=rows),
    )
    score = np.where(
        is_hot, rng.integers(70, 99, size=rows), np.round(15 + 55 * rng.beta(2.0, 3.0, rows))
    )
    days = np.where(is_hot, rng.integers(0, 21, rows), rng.integers(0, WINDOW_DAYS, rows))
    observed = anchor.normalize().value // 1000 - days.astype(np.int64) * DAY_US
    frame = pd.DataFrame(
        {
            "account_id": as_text(lookup(acc.ids, account)),
            "topic": as_text(lookup(topics, topic)),
            "score": score.astype(np.float64),
            "observed_at": utc_times(observed),
        }
    )
    # One observation per account, topic and day, as an intent provider delivers them.
    frame = frame.drop_duplicates(["account_id", "topic", "observed_at"], keep="first")
    frame = frame.sort_values(["account_id", "observed_at", "topic"], kind="stable")
    return frame.reset_index(drop=True)

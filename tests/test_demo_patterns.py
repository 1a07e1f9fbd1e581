"""The graph patterns the demo plants, measured on its files as anyone would read them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from test_demo import employer

from abmgraph.demo import DemoData, generate
from abmgraph.demo.patterns import sponsors
from abmgraph.ingest.titles import classify_titles

ANCHOR = pd.Timestamp("2026-10-01", tz="UTC")
QUIET = ["email_open", "unsubscribe", "email_bounce", "spam_complaint", "careers_page_view"]


@pytest.fixture(scope="module")
def data() -> DemoData:
    return generate(accounts=3000, seed=5, anchor="2026-10-01")


def _contacts(data: DemoData, days: int = 28) -> pd.DataFrame:
    """Contacts with their employer, stated-or-title seniority and department, and whether
    they did anything beyond opening email in the last ``days`` days."""
    contacts = data.contacts.assign(account=employer(data))
    read = classify_titles(contacts["title"])
    contacts["seniority"] = contacts["seniority"].fillna(read["seniority"])
    contacts["department"] = contacts["department"].fillna(read["department"])
    events = data.engagements
    recent = events[
        (events["occurred_at"] > data.anchor - pd.Timedelta(days=days))
        & ~events["type"].isin(QUIET)
    ]
    contacts["engaged"] = contacts["contact_id"].isin(recent["contact_id"])
    return contacts


def _prospects(data: DemoData) -> pd.DataFrame:
    accounts = data.accounts.merge(data.truth, on="account_id")
    return accounts[accounts["is_target"] & ~accounts["is_customer"]].set_index("account_id")


def _rate(flags: pd.Series, prospects: pd.DataFrame) -> pd.Series:
    """Share of in-market and of other prospects holding the flag (index: in_market)."""
    held = flags.reindex(prospects.index).fillna(False).astype(bool)
    return held.groupby(prospects["in_market"]).mean()


def test_in_market_accounts_have_an_engaged_sponsor_above_an_engaged_evaluator(data):
    contacts = _contacts(data).set_index("contact_id")
    # Walk every REPORTS_TO chain to its root, noting engaged executives on the way.
    manager = contacts["manager_id"]
    evaluator = contacts["buying_role"].eq("technical_evaluator") | (
        contacts["department"].isin(["it", "engineering", "product"])
        & contacts["seniority"].isin(["director", "manager", "individual_contributor"])
    )
    executive = contacts["seniority"].isin(["c_level", "vp"]) & contacts["engaged"]
    reaches = pd.Series(False, index=contacts.index)
    above = manager.copy()
    while above.notna().any():
        reaches |= above.map(executive).fillna(False).astype(bool)
        above = above.map(manager)
    holder = contacts[evaluator & contacts["engaged"] & reaches]
    rate = _rate(holder.groupby("account").size() > 0, _prospects(data))
    # Before the pattern was planted, about half of the in-market accounts held it by
    # chance of their broad committees (0.49 against 0.01 on 1,500 accounts, seed 5).
    assert rate[True] > 0.65
    assert rate[False] < 0.05
    assert rate[True] > 8 * rate[False]


def test_sponsors_are_the_first_executive_up_the_chain():
    # A committee of four drawn top-down: C0 the top executive, a VP under them, a
    # director under the VP, a manager under the director.
    from abmgraph.demo.contacts import Contacts

    chain = Contacts(
        frame=pd.DataFrame(),
        ids=None,
        account=np.zeros(5, dtype=int),
        starts=np.array([0]),
        seniority=np.array([0, 1, 2, 3, 4]),
        department=np.zeros(5, dtype=int),
        manager=np.array([-1, 0, 1, 2, -1]),  # the last one's manager is unknown
        role=np.full(5, -1),
    )
    assert sponsors(chain).tolist() == [-1, 0, 1, 1, -1]


def test_returning_champions_come_back_at_in_market_accounts(data):
    contacts = _contacts(data)
    deals = data.opportunities
    won = deals.loc[deals["is_won"], ["opportunity_id", "account_id"]]
    roles = data.opportunity_contacts.merge(won, on="opportunity_id")
    # A contact who sat on a won deal at an account they list as a past employer.
    worked = (
        contacts[["contact_id", "account", "previous_account_ids", "engaged"]]
        .assign(previous=contacts["previous_account_ids"].str.split(";"))
        .explode("previous")
    )
    back = worked.merge(
        roles, left_on=["contact_id", "previous"], right_on=["contact_id", "account_id"]
    )
    rate = _rate(back.groupby("account").size() > 0, _prospects(data))
    assert rate[True] > 0.3
    assert rate[False] < 0.05
    assert rate[True] > 6 * rate[False]
    # They are engaged people, listed on the won deal of a customer that is not their employer.
    assert back["engaged"].mean() > 0.5
    assert (back["previous"] != back["account"]).all()
    customers = set(data.accounts.loc[data.accounts["is_customer"], "account_id"])
    assert set(back["previous"]) <= customers


def test_subsidiaries_of_in_market_parents_are_more_often_in_market(data):
    accounts = data.accounts.merge(data.truth, on="account_id")
    truth = accounts.set_index("account_id")["in_market"]
    children = accounts[accounts["parent_account_id"].notna() & accounts["is_target"]]
    children = children[~children["is_customer"]]
    parent_in = children["parent_account_id"].map(truth).astype(bool)
    assert parent_in.sum() >= 10
    followed = children.loc[parent_in, "in_market"].mean()
    otherwise = children.loc[~parent_in, "in_market"].mean()
    assert followed > 0.5
    assert followed > 2.5 * otherwise


def test_the_planted_share_is_kept(data):
    # Subsidiaries that join the market take the place of unrelated accounts.
    targets = int(data.accounts["is_target"].sum())
    assert int(data.truth["in_market"].sum()) == round(0.15 * targets)

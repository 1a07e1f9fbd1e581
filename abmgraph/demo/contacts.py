"""Buying committees: contacts with titles, roles, reporting lines, emails and history."""

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from abmgraph.demo.accounts import Accounts
from abmgraph.demo.catalog import (
    COUNTRIES,
    DEPT_P,
    EXEC_DEPT_P,
    FIRST_NAMES,
    FREE_MAIL,
    LAST_NAMES,
    ROLE_P,
    SENIORITY_P,
)
from abmgraph.demo.columns import NULL, as_text, choose, concat, lookup, serial_ids
from abmgraph.demo.draws import draw_by_seniority, draw_codes, probabilities
from abmgraph.demo.titles import draw_titles
from abmgraph.graph.vocab import BUYING_ROLES, DEPARTMENTS, SENIORITIES

__all__ = ["Contacts", "committee_sizes", "draw_contacts"]


def committee_sizes(
    rng: np.random.Generator, n: int, low: int, high: int, total: int | None
) -> np.ndarray:
    """Contacts per account, uniform in [low, high]; adjusted to ``total`` when given."""
    sizes = rng.integers(low, high + 1, size=n)
    gap = 0 if total is None else total - int(sizes.sum())
    if gap:
        room = high - sizes if gap > 0 else sizes - low
        sizes = sizes + np.sign(gap) * rng.multivariate_hypergeometric(room, abs(gap))
    return sizes


@dataclass(frozen=True)
class Contacts:
    """The contacts frame and the per-contact arrays later steps draw from."""

    frame: pd.DataFrame
    ids: pa.Array
    account: np.ndarray  # account index per contact
    starts: np.ndarray  # first contact index per account
    seniority: np.ndarray  # index into SENIORITIES
    department: np.ndarray  # index into DEPARTMENTS
    manager: np.ndarray  # contact index of the manager (REPORTS_TO), -1 for none
    role: np.ndarray  # index into BUYING_ROLES, -1 for none


def _managers(
    rng: np.random.Generator,
    account: np.ndarray,
    starts: np.ndarray,
    seniority: np.ndarray,
    department: np.ndarray,
) -> np.ndarray:
    """REPORTS_TO as a contact index (-1 for none) within committees sorted top-down.

    Everyone reports to someone strictly more senior (fellow executives to the top
    person), preferring the same department and a nearby level, so the chart never
    has a cycle and the top person is its root.
    """
    n = len(account)
    index = np.arange(n)
    local = index - starts[account]
    new_level = np.ones(n, dtype=bool)
    new_level[1:] = (account[1:] != account[:-1]) | (seniority[1:] != seniority[:-1])
    above = np.maximum.accumulate(np.where(new_level, index, 0)) - starts[account]
    candidates = starts[account] + np.floor(np.sqrt(rng.random((3, n))) * above).astype(np.int64)
    same = department[candidates] == department
    chosen = np.where(same.any(axis=0), candidates[same.argmax(axis=0), index], candidates[0])
    # The top person reports to nobody; some org charts are incomplete.
    return np.where((local == 0) | (rng.random(n) < 0.12), -1, chosen)


def _emails(
    rng: np.random.Generator,
    acc: Accounts,
    account: np.ndarray,
    first: pa.Array,
    last: pa.Array,
) -> tuple[pa.Array, np.ndarray]:
    """first.last@domain (and variants), unique; ~3% free mail. Also the free-mail mask."""
    n = len(account)
    first_slug = pc.utf8_lower(first)
    last_slug = pc.replace_substring_regex(
        pc.utf8_lower(pc.replace_substring(last, "ü", "ue")), r"[^a-z]", ""
    )
    pattern = rng.random(n)
    local = concat(first_slug, ".", last_slug)
    local = choose(
        pattern >= 0.75, concat(pc.utf8_slice_codeunits(first_slug, 0, 1), last_slug), local
    )
    local = choose(pattern >= 0.90, concat(first_slug, "_", last_slug), local)
    local = choose(pattern >= 0.95, first_slug, local)
    free = rng.random(n) < 0.03
    numbered = concat(local, pa.array(rng.integers(1, 99, size=n).astype(str)))
    local = choose(free, numbered, local)
    domain = choose(
        free,
        lookup(FREE_MAIL, rng.integers(len(FREE_MAIL), size=n)),
        pc.take(acc.domain, pa.array(account)),
    )
    address = as_text(concat(local, "@", domain))
    repeat = address.groupby(address).cumcount().to_numpy()
    local = choose(repeat > 0, concat(local, pa.array((repeat + 1).astype(str))), local)
    # A few CRMs keep the capitals people typed.
    capitals = concat(pc.utf8_title(local), "@", pc.utf8_capitalize(domain))
    email = choose(~free & (rng.random(n) < 0.01), capitals, concat(local, "@", domain))
    return email, free


def _history(rng: np.random.Generator, acc: Accounts, account: np.ndarray) -> pa.Array:
    """Past employers (`;`-separated account ids) for ~10%, often customers."""
    n, n_acc = len(account), len(acc.employees)
    customers = np.flatnonzero(acc.customer)
    moved = rng.random(n) < 0.10
    previous = []
    for share in (1.0, 0.3):
        pick = rng.integers(n_acc, size=n)
        if len(customers):
            former_customer = customers[rng.integers(len(customers), size=n)]
            pick = np.where(rng.random(n) < 0.4, former_customer, pick)
        keep = moved & (rng.random(n) < share) & (pick != account)
        previous.append(np.where(keep, pick, -1))
    first, second = previous
    first, second = np.where(first < 0, second, first), np.where(first < 0, -1, second)
    second = np.where(second == first, -1, second)
    one = lookup(acc.ids, first)
    return choose(second >= 0, concat(one, ";", lookup(acc.ids, second)), one)


def draw_contacts(rng: np.random.Generator, acc: Accounts, sizes: np.ndarray) -> Contacts:
    """Committees of ``sizes`` contacts per account, each sorted top-down by seniority."""
    n = int(sizes.sum())
    account = np.repeat(np.arange(len(sizes)), sizes)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    local = np.arange(n) - starts[account]

    # The first person is the top executive; each committee is sorted top-down.
    seniority = rng.choice(len(SENIORITIES), n, p=probabilities(SENIORITY_P))
    seniority[local == 0] = 0
    seniority = seniority[np.lexsort((seniority, account))]
    department = np.where(
        seniority == 0,
        draw_codes(rng, n, EXEC_DEPT_P, DEPARTMENTS),
        draw_codes(rng, n, DEPT_P, DEPARTMENTS),
    )
    department[local == 0] = DEPARTMENTS.index("executive")
    title, states_department, states_seniority = draw_titles(rng, department, seniority)
    # ~40% leave department and seniority blank, only where the title states them.
    blank_department = states_department & (rng.random(n) < 0.4 / states_department.mean())
    blank_seniority = states_seniority & (rng.random(n) < 0.4 / states_seniority.mean())

    role = draw_by_seniority(rng, ROLE_P, seniority)
    deal_desk = np.isin(department, [DEPARTMENTS.index("legal"), DEPARTMENTS.index("procurement")])
    role = np.where(
        deal_desk & (rng.random(n) < 0.6), BUYING_ROLES.index("legal_procurement"), role
    )
    role = np.where(rng.random(n) < 0.30, role, -1)
    manager = _managers(rng, account, starts, seniority, department)

    first = lookup(FIRST_NAMES, rng.integers(len(FIRST_NAMES), size=n))
    last = lookup(LAST_NAMES, rng.integers(len(LAST_NAMES), size=n))
    email, free = _emails(rng, acc, account, first, last)
    # ~10% carry no account_id and are matched by email domain (free mail never is).
    unlinked = ~free & (rng.random(n) < 0.10 / 0.97)
    account_id = choose(unlinked, NULL, pc.take(acc.ids, pa.array(account)))

    status = lookup(("valid", "bounced", "unknown"), rng.choice(3, n, p=[0.90, 0.02, 0.08]))
    opted_out = rng.random(n) < 0.03
    consent = (rng.random(n) < 0.87) & ~opted_out
    country = acc.country[account]
    digits = pa.array(rng.integers(2_000_000_000, 9_999_999_999, size=n).astype(str))
    phone = concat("+", lookup([spec[3] for spec in COUNTRIES.values()], country), digits)
    phone = choose(rng.random(n) < 0.55, phone, pa.nulls(n, pa.string()))
    history = _history(rng, acc, account)

    ids = serial_ids("C", n, 7)
    frame = pd.DataFrame(
        {
            "contact_id": as_text(ids),
            "account_id": as_text(account_id),
            "email": as_text(email),
            "first_name": as_text(first),
            "last_name": as_text(last),
            "title": as_text(title),
            "department": as_text(choose(blank_department, NULL, lookup(DEPARTMENTS, department))),
            "seniority": as_text(choose(blank_seniority, NULL, lookup(SENIORITIES, seniority))),
            "buying_role": as_text(lookup(BUYING_ROLES, role)),
            "manager_id": as_text(lookup(ids, manager)),
            "email_status": as_text(status),
            "opted_out": opted_out,
            "consent": consent,
            "phone": as_text(phone),
            "country": as_text(lookup(list(COUNTRIES), country)),
            "previous_account_ids": as_text(history),
        }
    )
    return Contacts(frame, ids, account, starts, seniority, department, manager, role)

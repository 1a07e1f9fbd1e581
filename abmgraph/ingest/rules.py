"""The rules of each kind that reach beyond one column: references and derived fields.

``KindRules.apply`` runs the rules of its kind on the parsed columns of a
chunk: references that must exist in the store (``account_id`` of an
opportunity), ids resolved from an alias when empty (a contact from its
email, an account from its domain), leads matched to accounts by email
domain, seniority and department inferred from the title, and the
``event_key`` of engagements. Rows that break a rule are rejected through
``Failures``; what is derived goes into ``derived``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from abmgraph.graph.schema import Kind
from abmgraph.graph.store import KEYS, GraphStore
from abmgraph.ingest import emails
from abmgraph.ingest.failures import Failures
from abmgraph.ingest.hashing import event_keys
from abmgraph.ingest.lookups import Lookup
from abmgraph.ingest.matching import DomainMatcher, unmatched_reasons
from abmgraph.ingest.phones import normalize_phone

__all__ = ["KindRules"]


def _phone(text: pd.Series, region: pd.Series | None) -> pd.Series:
    """E.164 where the number parses (in the row's country), else as written."""
    e164, _ = normalize_phone(text, region)
    return e164.where(e164.notna(), text).astype("str")


def _hex_ids(keys: np.ndarray, index: pd.Index) -> pd.Series:
    """64-bit keys as ``sa-`` and 16 hex digits, without a Python call per row."""
    digits = np.asarray(keys, dtype=">u8").tobytes().hex().encode("ascii")
    text = np.frombuffer(digits, dtype="S16").astype("U16")
    return pd.Series(np.char.add("sa-", text), index=index, dtype="str")


class KindRules:
    """The rules of one kind, run chunk by chunk; lookups are cached across chunks."""

    def __init__(self, store: GraphStore, kind: Kind, rank: dict[str, int]) -> None:
        self.store = store
        self.kind = kind
        # The rank of each field's checks: a row is rejected by its first failing field.
        self.rank = rank
        self._lookups: dict[tuple[str, str], Lookup] = {}
        self._domains = DomainMatcher(store)

    def apply(
        self,
        values: dict[str, pd.Series],
        invalid: dict[str, np.ndarray],
        derived: dict[str, pd.Series],
        fails: Failures,
    ) -> None:
        """Check the chunk's references and fill ``derived`` with the fields rules decide."""
        getattr(self, f"_rules_{self.kind}")(values, invalid, derived, fails)

    # -- references ---------------------------------------------------------------------
    def _lookup(self, kind: Kind, by: str) -> Lookup:
        if (kind, by) not in self._lookups:
            self._lookups[(kind, by)] = Lookup(self.store, kind, by)
        return self._lookups[(kind, by)]

    def _must_exist(self, values: pd.Series, kind: Kind, field: str, fails: Failures) -> None:
        """Reject rows whose ``field`` names an id of ``kind`` the store does not have."""
        given = values.notna().to_numpy()
        if not given.any():
            return
        rows = np.flatnonzero(given)
        known = self._lookup(kind, KEYS[kind][0]).exists(values.iloc[rows])
        unknown = rows[~known]
        if len(unknown):
            mask = np.zeros(len(values), dtype=bool)
            mask[unknown] = True
            shown = values.iloc[unknown].astype("str")
            if kind == "contacts" and self.kind == "engagements":
                reason = "unknown contact_id " + shown.map(repr) + ": ingest contacts first"
            else:
                plural = kind.replace("_", " ")
                reason = f"{field} " + shown.map(repr) + f" not found: ingest {plural} first"
            fails.add(
                self.rank.get(field, 0) + 5,
                field,
                mask,
                pd.Series(reason.to_numpy(), index=unknown),
            )

    def _resolve(
        self,
        values: pd.Series,
        rows: np.ndarray,
        kind: Kind,
        by: str,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Resolve ``values`` at ``rows`` to ids: (resolved ids, hit mask), both for ``rows``."""
        found = self._lookup(kind, by).resolve(values.iloc[rows])
        return found.to_numpy(dtype=object), found.notna().to_numpy()

    # -- per-kind rules -------------------------------------------------------------------
    def _rules_accounts(self, values, invalid, derived, fails) -> None:
        return None

    def _rules_contacts(self, values, invalid, derived, fails) -> None:
        from abmgraph.ingest import titles

        account = values["account_id"].copy()
        explicit = account.notna().to_numpy()
        self._must_exist(account, "accounts", "account_id", fails)
        email = values["email"]
        domain = emails.email_domain(email)
        has_email = email.notna().to_numpy()
        free = emails.is_free_mail(domain).to_numpy(dtype=bool)
        derived["email_domain"] = domain
        derived["is_free_mail"] = pd.Series(free, dtype="boolean").where(has_email, pd.NA)
        disposable = emails.is_disposable(domain).to_numpy(dtype=bool)
        derived["is_disposable"] = pd.Series(disposable, dtype="boolean").where(has_email, pd.NA)
        if invalid["email"].any():
            # The address is blanked: mark it so nothing exports or scores the person by it.
            derived["email_status"] = values["email_status"].mask(invalid["email"], "invalid")
        match = pd.Series(pd.NA, index=account.index, dtype="str")
        match[explicit] = "explicit"
        candidates = np.flatnonzero(~explicit & has_email & ~free)
        if len(candidates):
            registrable, _ = emails.registrable_domain(domain.iloc[candidates])
            usable = registrable.notna().to_numpy()
            rows = candidates[usable]
            if len(rows):
                # Never a guess: a domain several families share leaves the lead unmatched.
                domains = registrable[usable].reset_index(drop=True)
                found = self._domains.match(domains)
                hit = found["account_id"].notna().to_numpy()
                account.iloc[rows[hit]] = found["account_id"].to_numpy()[hit]
                family = found["family"].to_numpy()[hit]
                match.iloc[rows[hit]] = np.where(family, "email_domain_family", "email_domain")
                shared = np.flatnonzero(found["candidates"].notna().to_numpy())
                if len(shared):
                    why = unmatched_reasons(domains.iloc[shared], found["candidates"].iloc[shared])
                    mask = np.zeros(len(account), dtype=bool)
                    mask[rows[shared]] = True
                    fails.warn("account_id", mask, pd.Series(why.to_numpy(), index=rows[shared]))
        derived["account_id"] = account.astype("str")
        derived["account_match"] = match
        title = values["title"]
        has_title = title.notna().to_numpy()
        for name, infer in (
            ("seniority", titles.infer_seniority),
            ("department", titles.infer_department),
        ):
            out = values[name].copy()
            given = out.notna().to_numpy()
            source = pd.Series(pd.NA, index=out.index, dtype="str")
            source[given] = "explicit"
            rows = np.flatnonzero(~given & has_title)
            if len(rows):
                inferred = pd.Series(infer(title.iloc[rows]), dtype="str")
                if name == "department":
                    inferred = inferred.fillna("other")
                hit = inferred.notna().to_numpy()
                out.iloc[rows[hit]] = inferred.to_numpy()[hit]
                source.iloc[rows[hit]] = "inferred"
            derived[name] = out.astype("str")
            derived[f"{name}_source"] = source
        phone = values["phone"]
        if phone.notna().any():
            derived["phone"] = _phone(phone, values["country"])

    def _id_or_alias(
        self,
        values: pd.DataFrame,
        invalid: pd.DataFrame,
        fails: Failures,
        *,
        kind: Kind,
        id_field: str,
        alias: str,
        unknown: str,
    ) -> pd.Series:
        """Ids from ``id_field``, or resolved from ``alias`` (an email, a domain) when empty.

        An id must exist; an alias must resolve (``unknown`` is the reason, with
        ``{value}`` for the alias); a row with neither is rejected.
        """
        given = values[id_field]
        has_id = given.notna().to_numpy()
        self._must_exist(given, kind, id_field, fails)
        other = values[alias]
        resolved = given.copy()
        rows = np.flatnonzero(~has_id & other.notna().to_numpy())
        if len(rows):
            ids, hit = self._resolve(other, rows, kind, alias)
            resolved.iloc[rows[hit]] = ids[hit]
            miss = rows[~hit]
            if len(miss):
                mask = np.zeros(len(given), dtype=bool)
                mask[miss] = True
                head, tail = unknown.split("{value}")
                reason = head + other.iloc[miss].map(repr) + tail
                fails.add(
                    self.rank[alias] + 5, alias, mask, pd.Series(reason.to_numpy(), index=miss)
                )
        neither = ~has_id & other.isna().to_numpy() & ~invalid[alias]
        fails.add(
            self.rank[id_field] + 2,
            id_field,
            neither,
            f"missing {id_field} or {alias} (one is required)",
        )
        return resolved.astype("str")

    def _rules_engagements(self, values, invalid, derived, fails) -> None:
        resolved = self._id_or_alias(
            values,
            invalid,
            fails,
            kind="contacts",
            id_field="contact_id",
            alias="email",
            unknown="unknown email {value}: no contact has it; ingest contacts first",
        )
        derived["contact_id"] = resolved
        derived["event_key"] = pd.Series(
            event_keys(
                values["event_id"],
                resolved,
                values["type"],
                values["occurred_at"],
                values["asset"],
                values["campaign"],
                values["channel"],
            )
        )

    def _rules_intent(self, values, invalid, derived, fails) -> None:
        derived["account_id"] = self._id_or_alias(
            values,
            invalid,
            fails,
            kind="accounts",
            id_field="account_id",
            alias="domain",
            unknown="no account has domain {value}: ingest accounts first",
        )
        # A domain several corporate families share names no account: say which share it.
        rows = np.flatnonzero(values["account_id"].isna().to_numpy() & values["domain"].notna())
        if len(rows):
            domains = values["domain"].iloc[rows].reset_index(drop=True)
            shared = self._lookup("accounts", "domain").domains.match(domains)["candidates"]
            hit = shared.notna().to_numpy()
            if hit.any():
                mask = np.zeros(len(values["domain"]), dtype=bool)
                mask[rows[hit]] = True
                why = unmatched_reasons(domains[hit], shared[hit], "intent")
                fails.add(self.rank["domain"] + 4, "domain", mask, why.set_axis(rows[hit]))

    def _account_of_contacts(self, contact_ids: pd.Series) -> pd.Series:
        """The stored account of each contact (missing for unknown or unmatched contacts)."""
        wanted = contact_ids.dropna().drop_duplicates()
        if wanted.empty:
            return pd.Series(pd.NA, index=contact_ids.index, dtype="str")
        stored = self.store.table("contacts", wanted, columns=["contact_id", "account_id"])
        lookup = stored.drop_duplicates("contact_id").set_index("contact_id")["account_id"]
        return contact_ids.map(lookup).astype("str")

    def _handover_subject(self, values, invalid, derived, fails) -> None:
        """Feedback and sales activities name a contact, an account, or both.

        Each given id must exist; a row with neither is rejected. An empty
        account is the contact's own, so every row can be counted per account.
        """
        contact, account = values["contact_id"], values["account_id"]
        self._must_exist(contact, "contacts", "contact_id", fails)
        self._must_exist(account, "accounts", "account_id", fails)
        neither = contact.isna().to_numpy() & account.isna().to_numpy()
        neither &= ~invalid["contact_id"] & ~invalid["account_id"]
        fails.add(
            self.rank["contact_id"] + 2,
            "contact_id",
            neither,
            "missing contact_id or account_id (one is required)",
        )
        needed = account.isna().to_numpy() & contact.notna().to_numpy()
        if needed.any():  # a CRM export usually names both: ask the store only for the rest
            found = self._account_of_contacts(contact[needed])
            account = account.copy()
            account[needed] = found.to_numpy()
        derived["account_id"] = account.astype("str")

    def _rules_feedback(self, values, invalid, derived, fails) -> None:
        self._handover_subject(values, invalid, derived, fails)

    def _rules_sales_activities(self, values, invalid, derived, fails) -> None:
        self._handover_subject(values, invalid, derived, fails)
        # Without an id, one is derived from what identifies the touch, so a
        # re-ingest adds nothing; the outcome may change between exports.
        given = values["activity_id"]
        if given.isna().any():
            keys = event_keys(
                given.where(given.isna()),
                values["contact_id"],
                values["type"],
                values["at"],
                derived["account_id"],
                values["owner"],
                pd.Series(pd.NA, index=given.index, dtype="str"),
            )
            derived["activity_id"] = given.fillna(_hex_ids(keys, given.index)).astype("str")

    def _rules_opportunities(self, values, invalid, derived, fails) -> None:
        self._must_exist(values["account_id"], "accounts", "account_id", fails)

    def _rules_opportunity_contacts(self, values, invalid, derived, fails) -> None:
        self._must_exist(values["opportunity_id"], "opportunities", "opportunity_id", fails)
        self._must_exist(values["contact_id"], "contacts", "contact_id", fails)

"""The ``csv`` and ``json`` exports: every score and fact, for tools with no fixed format."""

from __future__ import annotations

import pandas as pd

from abmgraph.export import normalize as norm

__all__ = ["ACCOUNT_COLUMNS", "CONTACT_COLUMNS", "account_table", "contact_table"]

ACCOUNT_COLUMNS = (
    "account_id",
    "name",
    "domain",
    "industry",
    "employees",
    "annual_revenue",
    "country",
    "is_customer",
    "priority",
    "tier",
    "stage",
    "fit_score",
    "engagement_score",
    "engaged_contacts",
    "departments_engaged",
    "roles_covered",
    "missing_roles",
    "in_icp",
)

CONTACT_COLUMNS = (
    "contact_id",
    "account_id",
    "account_name",
    "email",
    "first_name",
    "last_name",
    "title",
    "department",
    "seniority",
    "phone",
    "country",
    "score",
    "fit_score",
    "engagement_score",
    "grade",
    "stage",
    "quadrant",
    "roles",
    "account_priority",
    "account_tier",
    "account_stage",
)


def account_table(src: pd.DataFrame, hash_emails: bool) -> pd.DataFrame:
    """The selected accounts with their scores, names and industries on one line each."""
    rows = src.loc[:, list(ACCOUNT_COLUMNS)]
    for column in ("name", "industry"):
        rows[column] = norm.clean_text(rows[column])
    return rows


def contact_table(src: pd.DataFrame, hash_emails: bool) -> pd.DataFrame:
    """The selected contacts with their scores and employer; emails SHA-256d when asked."""
    rows = src.loc[:, list(CONTACT_COLUMNS)]
    for column in ("account_name", "first_name", "last_name", "title"):
        rows[column] = norm.clean_text(rows[column])
    email = norm.email(rows["email"])
    rows["email"] = norm.sha256_hex(email) if hash_emails else email
    return rows

"""Every platform's file for the known dataset, byte for byte against tests/golden/export.

The golden files were read line by line against the dataset in test_export.py:
headers as each platform's help page spells them, customers and everyone
compliance excludes absent, C11 dropped as a repeat of C1's address, names
and titles cut to LinkedIn's 35/50 characters, hashes as in
test_export_normalize.py, RFC 4180 quoting of ``Acme, Inc.`` and
``Zoë "Blau" GmbH``, CRLF line ends, UTF-8 without a BOM.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import score
from test_export import known_dataset

from abmgraph.export import export_audience
from abmgraph.graph.store import open_store

GOLDEN = Path(__file__).parent / "golden" / "export"

CASES = [
    ("linkedin-companies", None, False, "linkedin-companies.csv"),
    ("linkedin-contacts", None, False, "linkedin-contacts.csv"),
    ("linkedin-contacts", None, True, "linkedin-contacts-hashed.csv"),
    ("google-customer-match", None, False, "google-customer-match.csv"),
    ("meta-customer-list", None, False, "meta-customer-list.csv"),
    ("6sense-accounts", None, False, "6sense-accounts.csv"),
    ("demandbase-accounts", None, False, "demandbase-accounts.csv"),
    ("csv", "accounts", False, "csv-accounts.csv"),
    ("csv", "contacts", False, "csv-contacts.csv"),
    ("json", "accounts", False, "json-accounts.json"),
    ("json", "contacts", False, "json-contacts.json"),
]

# Each platform's header as its own documentation spells it.
HEADERS = {
    "linkedin-companies": "companyname,companywebsite,companyemaildomain,linkedincompanypageurl,"
    "stocksymbol,industry,city,state,companycountry,zipcode",
    "linkedin-contacts": "email,firstname,lastname,jobtitle,employeecompany,country,googleaid",
    "google-customer-match": "Email,Phone,First Name,Last Name,Country,Zip",
    "meta-customer-list": "email,phone,fn,ln,ct,st,zip,country",
    "6sense-accounts": "Account Name,Country,Domain",
    "demandbase-accounts": "Account Name,Account Domain,External Account ID,Employees,"
    "Annual Revenue,Industry",
}


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("golden")
    with open_store("embedded", root / "ws") as store:
        known_dataset(root / "input").load(store)
        score(store)
        yield store


@pytest.mark.parametrize(
    ("platform", "level", "hashed", "golden"), CASES, ids=[case[3] for case in CASES]
)
def test_file_matches_golden_byte_for_byte(scored, tmp_path, platform, level, hashed, golden):
    out = tmp_path / golden
    report = export_audience(scored, platform, out, level=level, hash_emails=hashed, force=True)
    assert [part.path for part in report.parts] == [out]
    assert out.read_bytes() == (GOLDEN / golden).read_bytes()


@pytest.mark.parametrize("platform", sorted(HEADERS))
def test_header_is_the_platforms_own(platform):
    first_line = (GOLDEN / f"{platform}.csv").read_bytes().split(b"\r\n")[0]
    assert first_line.decode("utf-8") == HEADERS[platform]

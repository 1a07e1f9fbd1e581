"""abmgraph export: selection and compliance counts, splitting, size warnings, the manifest,
dry runs, named audiences and the command line, on a small dataset worked out by hand.

The dataset (``known_dataset``) as scored at ``AS_OF``:

=======  ======================  ========  ====  =============  ==============================
account  name                    priority  tier  stage          notes
=======  ======================  ========  ====  =============  ==============================
A1       Acme, Inc.              55.42     1     decision       city/state/zip/ticker/LinkedIn
A2       Zoë "Blau" GmbH         47.55     2     consideration  quotes and non-ASCII in name
A3       Customer Co             40.27     2     decision       a customer: left out by default
A4       Quiet Ltd               6.00      3     awareness      no domain
=======  ======================  ========  ====  =============================================

Contacts, best score first, and why each is in or out of a contact export:
C1 (A1, 56.90, in), C7 (A3, account_not_selected), C2 (A1, 41.91, in; long
last name and title), C5 (A2, consent false: no_consent), C3 (A1,
opted_out), C6 (A2, no consent recorded: no_consent), C9 (A2, 22.29, in),
C10 (A4, 21.26, in for LinkedIn and the tables; no email or phone:
no_identifier for Google and Meta), C11 (A1, same email as C1: duplicate),
C8 (free mail, no account: no_account), C4 (A1, bounced).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import GraphBuilder, score

from abmgraph.cli import cli
from abmgraph.errors import ConfigError, InputError, StoreError
from abmgraph.export import export_audience
from abmgraph.export.audience import read_account_ids
from abmgraph.graph.store import GraphStore, open_store
from abmgraph.scoring.config import AudienceFilters, config_from_dict, render_default

CONTACT_EXCLUSIONS = {
    "no_account": 1,
    "account_not_selected": 1,
    "opted_out": 1,
    "bounced": 1,
    "no_consent": 2,
}


def known_dataset(folder: Path) -> GraphBuilder:
    builder = GraphBuilder(folder)
    builder.account(
        "A1",
        name="Acme, Inc.",
        domain="acme.com",
        employees=1200,
        annual_revenue=50000000,
        city="San Francisco",
        state="CA",
        zip="94105",
        stock_symbol="ACME",
        linkedin_url="https://www.linkedin.com/company/acme",
    )
    builder.account(
        "A2",
        name='Zoë "Blau" GmbH',
        domain="zoe.de",
        country="DE",
        employees=300,
        annual_revenue=25500000.5,
        industry="Manufacturing",
    )
    builder.account("A3", name="Customer Co", is_customer="true")
    builder.account(
        "A4", name="Quiet Ltd", domain="", country="GB", industry="Retail", employees=40
    )
    contact = builder.contact
    contact(
        "C1", "A1", email="Jane.Doe+ads@GoogleMail.com", first_name="Jane", last_name="Doe",
        title="VP Engineering", seniority="vp", phone="+1 415 555 0100", country="US",
        zip="94105-1234", consent="true",
    )  # fmt: skip
    contact(
        "C2", "A1", email="bob@acme.com", first_name="Dr. Robert",
        last_name="Featherstonehaugh-Cholmondeley-Smith Jr.",
        title="Senior Director of Infrastructure Engineering, Platform and Cloud",
        seniority="director", country="US", consent="true",
    )  # fmt: skip
    contact("C3", "A1", email="optout@acme.com", first_name="Olga", last_name="Out",
            opted_out="true", consent="true")  # fmt: skip
    contact("C4", "A1", email="bounce@acme.com", first_name="Ben", last_name="Bounce",
            email_status="bounced", consent="true")  # fmt: skip
    contact("C5", "A2", email="klaus@zoe.de", first_name="Klaus", last_name="Nein",
            consent="false", country="DE")  # fmt: skip
    contact("C6", "A2", email="unknown@zoe.de", first_name="Una", last_name="Known", country="DE")
    contact("C7", "A3", email="carl@a3.com", first_name="Carl", last_name="Client", consent="true")
    contact("C8", "", email="free@gmail.com", first_name="Fay", last_name="Free", consent="true")
    contact(
        "C9", "A2", email="zoe.perez@zoe.de", first_name="Zoë", last_name="Pérez",
        title="Einkaufsleiterin", seniority="manager", department="procurement",
        phone="030 1234567", country="DE", consent="true",
    )  # fmt: skip
    contact("C10", "A4", email="", first_name="Quentin", last_name="Quiet",
            title="Store Manager", consent="true", country="GB")  # fmt: skip
    contact("C11", "A1", email="jane.doe+ads@googlemail.com", first_name="Jane",
            last_name="Doe", consent="true", country="US")  # fmt: skip
    for contact_id, kind, days in [
        ("C1", "demo_request", 3),
        ("C1", "pricing_page_view", 5),
        ("C2", "webinar_attended", 10),
        ("C9", "content_download", 4),
        ("C10", "page_view", 20),
        ("C5", "pricing_page_view", 2),
        ("C7", "demo_request", 2),
    ]:
        builder.event(contact_id, kind, days)
    return builder


@pytest.fixture(scope="module")
def known(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace holding the known dataset, scored."""
    root = tmp_path_factory.mktemp("export")
    with open_store("embedded", root / "ws") as store:
        known_dataset(root / "input").load(store)
        score(store)
    return root / "ws"


@pytest.fixture
def store(known: Path):
    with open_store("embedded", known) as opened:
        yield opened


def run(workspace: Path, *args: str):
    return CliRunner().invoke(cli, ["--workspace", str(workspace), "export", *args])


def lines(path: Path) -> list[str]:
    """The file's lines, split on CRLF only (``read_text`` would translate line ends)."""
    return path.read_bytes().decode("utf-8").split("\r\n")


def data_lines(path: Path) -> list[str]:
    return lines(path)[1:-1]


# -- selection and compliance ---------------------------------------------------------


def test_contact_export_counts_every_contact_once(store: GraphStore, tmp_path: Path):
    report = export_audience(store, "linkedin-contacts", tmp_path / "li.csv", force=True)
    assert report.candidates == 11
    assert report.included == 4
    assert report.excluded == {**CONTACT_EXCLUSIONS, "duplicate": 1}
    assert report.included + sum(report.excluded.values()) == report.candidates


def test_google_and_meta_leave_out_contacts_without_an_identifier(store, tmp_path):
    for platform in ("google-customer-match", "meta-customer-list"):
        report = export_audience(store, platform, tmp_path / f"{platform}.csv")
        assert report.excluded == {**CONTACT_EXCLUSIONS, "no_identifier": 1, "duplicate": 1}
        assert report.included == 3


def test_without_required_consent_only_unconsented_contacts_come_back(store, tmp_path):
    report = export_audience(
        store, "csv", tmp_path / "c.csv", {"require_consent": False}, level="contacts"
    )
    ids = [line.split(",")[0] for line in data_lines(tmp_path / "c.csv")]
    assert ids == ["C1", "C2", "C5", "C6", "C9", "C10", "C11"]
    assert "no_consent" not in report.excluded
    assert report.excluded["opted_out"] == 1 and report.excluded["bounced"] == 1


def test_account_filters(store, tmp_path):
    out = tmp_path / "a.csv"
    report = export_audience(store, "csv", out, {"tier": [1, 2], "include_customers": True})
    assert [line.split(",")[0] for line in data_lines(out)] == ["A1", "A2", "A3"]
    assert report.excluded == {"tier": 1}
    report = export_audience(store, "csv", out, {"min_priority": 50})
    assert report.excluded == {"customer": 1, "min_priority": 2}
    report = export_audience(store, "csv", out, {"stage": ["awareness"]})
    assert [line.split(",")[0] for line in data_lines(out)] == ["A4"]


def test_contact_filters(store, tmp_path):
    out = tmp_path / "c.csv"
    export_audience(store, "csv", out, {"roles": ["decision_maker"]}, level="contacts")
    assert [line.split(",")[0] for line in data_lines(out)] == ["C1", "C2"]
    report = export_audience(store, "csv", out, {"quadrant": ["nurture"]}, level="contacts")
    assert [line.split(",")[0] for line in data_lines(out)] == ["C2", "C10"]
    # Filters come before compliance: bounced C4 is not nurture, so it counts under quadrant,
    # while C5 and C6 are nurture and count as no_consent.
    assert report.excluded["quadrant"] == 4
    assert report.excluded["bounced"] == 0 and report.excluded["no_consent"] == 2
    report = export_audience(store, "csv", out, {"min_contact_score": 40}, level="contacts")
    assert [line.split(",")[0] for line in data_lines(out)] == ["C1", "C2"]


def test_account_ids_from_a_list_or_a_csv_column(store, tmp_path):
    plain = tmp_path / "ids.txt"
    plain.write_text("A2\n\nA4\nA9\n", encoding="utf-8")
    columns = tmp_path / "ids.csv"
    columns.write_text("name,account_id\nZoë,A2\nQuiet,A4\n", encoding="utf-8")
    assert read_account_ids(plain) == ["A2", "A4", "A9"]
    assert read_account_ids(columns) == ["A2", "A4"]
    report = export_audience(store, "csv", tmp_path / "a.csv", {"account_ids_file": str(plain)})
    assert report.excluded == {"not_in_account_ids": 2, "customer": 0}
    assert report.warnings == ["1 of the account ids given are not in the store."]
    bad = tmp_path / "bad.csv"
    bad.write_text("id,name\nA1,Acme\n", encoding="utf-8")
    with pytest.raises(InputError, match="needs an account_id column"):
        read_account_ids(bad)


# -- files: encoding, splitting, size warnings -----------------------------------------


def test_files_are_utf8_without_bom_with_crlf_line_ends(store, tmp_path):
    out = tmp_path / "li.csv"
    export_audience(store, "linkedin-companies", out, force=True)
    raw = out.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert raw.count(b"\r\n") == 4 and raw.count(b"\n") == 4
    assert '"Zoë ""Blau"" GmbH"'.encode() in raw


def test_a_list_over_the_row_limit_is_split_into_even_numbered_files(store, tmp_path):
    whole = tmp_path / "whole.csv"
    export_audience(store, "csv", whole, level="contacts")
    out = tmp_path / "part.csv"
    report = export_audience(store, "csv", out, level="contacts", max_rows=2)
    names = [part.path.name for part in report.parts]
    assert names == ["part-001.csv", "part-002.csv", "part-003.csv"]
    assert [part.rows for part in report.parts] == [2, 2, 1]
    header = lines(whole)[0]
    rows = []
    for part in report.parts:
        assert lines(part.path)[0] == header
        assert part.bytes == part.path.stat().st_size
        rows += data_lines(part.path)
    assert rows == data_lines(whole)
    assert not out.exists()
    manifest = json.loads((tmp_path / "part.csv.manifest.json").read_text(encoding="utf-8"))
    assert [f["file"] for f in manifest["files"]] == names
    assert manifest["limits"]["max_rows"] == 2


def test_a_list_over_the_byte_limit_splits_under_it(store, tmp_path):
    out = tmp_path / "bytes.csv"
    report = export_audience(store, "csv", out, level="contacts", max_bytes=600)
    assert len(report.parts) > 1
    assert all(part.path.stat().st_size == part.bytes <= 600 for part in report.parts)
    assert sum(part.rows for part in report.parts) == report.included == 5


def test_an_override_only_lowers_the_platform_limit(store, tmp_path):
    report = export_audience(store, "6sense-accounts", tmp_path / "s.csv", max_rows=10**9)
    assert report.limits["max_rows"] == 25_000


def test_warning_below_the_platform_minimum(store, tmp_path):
    report = export_audience(store, "linkedin-contacts", tmp_path / "li.csv", force=True)
    assert report.warnings == [
        "4 rows is below linkedin-contacts's minimum useful size of 300: LinkedIn serves a "
        "list only once 300 members match and refuses uploads under 300 rows."
    ]
    report = export_audience(store, "google-customer-match", tmp_path / "g.csv")
    assert "below google-customer-match's minimum useful size of 100" in report.warnings[0]
    assert export_audience(store, "6sense-accounts", tmp_path / "s.csv").warnings == []


def test_hash_option_hashes_plain_emails_and_says_so_elsewhere(store, tmp_path):
    report = export_audience(
        store, "linkedin-contacts", tmp_path / "li.csv", hash_emails=True, force=True
    )
    assert report.hashed == ("email",) and report.warnings[1:] == []
    report = export_audience(store, "6sense-accounts", tmp_path / "s.csv", hash_emails=True)
    assert report.warnings == [
        "--hash applies to plain emails in contact lists; 6sense-accounts is unchanged."
    ]


def test_contact_filters_on_an_account_export_are_reported_as_ignored(store, tmp_path):
    report = export_audience(
        store, "demandbase-accounts", tmp_path / "d.csv", {"roles": ["champion"]}
    )
    assert report.warnings == [
        "roles only filter contact exports; ignored for demandbase-accounts."
    ]


def test_six_sense_refuses_file_names_with_spaces(store, tmp_path):
    with pytest.raises(InputError, match="6sense refuses file names with spaces"):
        export_audience(store, "6sense-accounts", tmp_path / "my list.csv")


def test_an_existing_folder_gets_the_platform_name(store, tmp_path):
    report = export_audience(store, "meta-customer-list", tmp_path)
    assert report.parts[0].path == tmp_path / "meta-customer-list.csv"
    assert (tmp_path / "meta-customer-list.csv.manifest.json").exists()


# -- manifest and dry run -------------------------------------------------------------------


def test_manifest_records_platform_filters_scores_counts_and_files(store, tmp_path):
    out = tmp_path / "gcm.csv"
    export_audience(store, "google-customer-match", out, {"tier": [1, 2]})
    manifest = json.loads((tmp_path / "gcm.csv.manifest.json").read_text(encoding="utf-8"))
    meta = store.score_meta()
    assert manifest["platform"] == "google-customer-match"
    assert manifest["level"] == "contacts"
    assert manifest["filters"] == {**AudienceFilters().model_dump(mode="json"), "tier": [1, 2]}
    assert manifest["as_of"] == meta["as_of"] == "2026-11-01T00:00:00+00:00"
    assert manifest["config_hash"] == meta["config_hash"]
    assert manifest["hashed_columns"] == ["Email", "Phone", "First Name", "Last Name"]
    assert manifest["counts"] == {
        "candidates": 11,
        "included": 3,
        "excluded": {
            "no_account": 1,
            "account_not_selected": 2,
            "opted_out": 1,
            "bounced": 1,
            "no_consent": 2,
            "duplicate": 1,
        },
    }
    counts = manifest["counts"]
    assert counts["included"] + sum(counts["excluded"].values()) == counts["candidates"]
    assert manifest["files"] == [{"file": "gcm.csv", "rows": 3, "bytes": out.stat().st_size}]


def test_dry_run_counts_like_a_real_run_and_writes_nothing(store, tmp_path):
    folder = tmp_path / "dry"
    folder.mkdir()
    dry = export_audience(store, "linkedin-contacts", folder / "li.csv", dry_run=True)
    assert list(folder.iterdir()) == []
    real = export_audience(store, "linkedin-contacts", folder / "li.csv", force=True)
    assert dry.counts() == real.counts()
    assert dry.manifest is None and real.manifest == folder / "li.csv.manifest.json"


def test_never_scored(tmp_path):
    with open_store("embedded", tmp_path / "ws") as empty, pytest.raises(StoreError) as error:
        export_audience(empty, "csv", tmp_path / "x.csv")
    assert str(error.value) == "Nothing is scored yet: run 'abmgraph score' first."


# -- named audiences -----------------------------------------------------------------------


def test_audience_from_the_config_with_flags_on_top(store, tmp_path):
    config = config_from_dict(
        {"audiences": {"buyers": {"tier": [1, 2], "roles": ["decision_maker", "end_user"]}}}
    )
    out = tmp_path / "c.csv"
    report = export_audience(store, "csv", out, None, config, audience="buyers", level="contacts")
    assert [line.split(",")[0] for line in data_lines(out)] == ["C1", "C2", "C9"]
    assert report.audience == "buyers"
    export_audience(store, "csv", out, {"tier": [2]}, config, audience="buyers", level="contacts")
    assert [line.split(",")[0] for line in data_lines(out)] == ["C9"]


def test_unknown_audience_lists_the_names(store, tmp_path):
    config = config_from_dict({"audiences": {"tier1": {"tier": [1]}, "abm": {}}})
    with pytest.raises(ConfigError) as error:
        export_audience(store, "csv", tmp_path / "x.csv", config=config, audience="tier2")
    assert str(error.value) == (
        "No audience 'tier2' in the scoring config (defined: abm, tier1); "
        "add an [audiences.tier2] table to scoring.toml."
    )


def test_audiences_validate_render_and_leave_the_hash_alone():
    with pytest.raises(ConfigError, match=r"audiences.x.quadrant.0"):
        config_from_dict({"audiences": {"x": {"quadrant": ["hot"]}}})
    with pytest.raises(ConfigError, match=r"audiences.x.tiers: unknown setting"):
        config_from_dict({"audiences": {"x": {"tiers": [1]}}})
    default = render_default()
    assert "# [audiences.tier1-buyers]" in default
    assert "\naudiences" not in default
    from abmgraph.scoring.config import ScoringConfig, config_hash

    config = config_from_dict({"audiences": {"top": {"tier": [1]}}})
    assert config_hash(config) == config_hash(ScoringConfig())
    assert "top = { tier = [1]" in render_default(config)


# -- the command line ---------------------------------------------------------------------


def test_cli_writes_files_and_a_summary(known, tmp_path):
    out = tmp_path / "li.csv"
    result = run(known, "linkedin-contacts", "--out", str(out), "--tier", "1,2", "--force")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "Wrote 3 contacts for linkedin-contacts to li.csv" in result.stderr
    assert "Warning: 3 rows is below linkedin-contacts's minimum useful size" in result.stderr
    assert out.exists() and (tmp_path / "li.csv.manifest.json").exists()


def test_cli_dry_run_prints_counts_as_json(known, tmp_path):
    result = run(known, "6sense-accounts", "--dry-run", "--include-customers")
    assert result.exit_code == 0, result.output
    counts = json.loads(result.stdout)
    assert counts["included"] == 3 and counts["excluded"] == {"missing_domain": 1}
    assert counts["files"][0]["rows"] == 3
    assert not Path("6sense-accounts.csv").exists()


def test_cli_audience_from_the_workspace_config(known, tmp_path):
    workspace = tmp_path / "ws"
    workspace.mkdir()
    for item in known.iterdir():
        (workspace / item.name).symlink_to(item)
    (workspace / "scoring.toml").write_text(
        '[audiences.deciders]\nroles = ["decision_maker"]\n', encoding="utf-8"
    )
    out = tmp_path / "d.csv"
    result = run(
        workspace, "csv", "--level", "contacts", "--audience", "deciders", "--out", str(out)
    )
    assert result.exit_code == 0, result.output
    assert [line.split(",")[0] for line in data_lines(out)] == ["C1", "C2"]
    result = run(workspace, "csv", "--audience", "nope", "--dry-run")
    assert result.exit_code == 1
    assert "No audience 'nope' in the scoring config (defined: deciders)" in result.stderr


def test_cli_mistakes(known, tmp_path):
    result = run(known, "tiktok", "--dry-run")
    assert result.exit_code == 2 and "'tiktok' is not one of" in result.stderr
    result = run(known, "csv")
    assert result.exit_code == 2 and "Give --out PATH, or --dry-run to only count." in result.stderr
    result = run(known, "csv", "--roles", "boss", "--dry-run")
    assert result.exit_code == 2 and "boss: use one or more of decision_maker" in result.stderr
    result = run(tmp_path / "empty", "csv", "--dry-run")
    assert result.exit_code == 1
    assert result.stderr == "Error: Nothing is scored yet: run 'abmgraph score' first.\n"

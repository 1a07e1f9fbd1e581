"""Export rules: events opt people out, no stale parts, LinkedIn's minimum, consent per
platform, no empty files, and Meta's state and UK postcode forms.

The small graph (scored at ``AS_OF``, all contacts at A1 with consent unless said):
C1 unsubscribed 5 days before, C2 complained of spam 3 days before, C3's email
bounced 4 days before, C4 and C5 are clean, C6 has no consent recorded, C7
refused consent. Every contact views the pricing page once.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import AS_OF, GraphBuilder, score

from abmgraph.cli import cli
from abmgraph.errors import InputError
from abmgraph.export import export_audience
from abmgraph.export.audience import select_contacts
from abmgraph.graph.store import open_store
from abmgraph.scoring.config import AudienceFilters, config_from_dict


def _graph(folder: Path) -> GraphBuilder:
    builder = GraphBuilder(folder)
    builder.account("A1", name="Acme", domain="acme.com", country="US")
    people = {
        "C1": {"consent": "true"},
        "C2": {"consent": "true"},
        "C3": {"consent": "true"},
        "C4": {"consent": "true", "state": "California", "zip": "94105-1234"},
        "C5": {"consent": "true", "country": "GB", "state": "Greater London", "zip": "SW1A 1AA"},
        "C6": {"consent": ""},
        "C7": {"consent": "false"},
    }
    for contact_id, fields in people.items():
        builder.contact(
            contact_id, "A1", first_name=f"N{contact_id}", last_name="Case",
            country=fields.pop("country", "US"), **fields,
        )  # fmt: skip
        builder.event(contact_id, "pricing_page_view", 10)
    builder.event("C1", "unsubscribe", 5)
    builder.event("C2", "spam_complaint", 3)
    builder.event("C3", "email_bounce", 4)
    return builder


@pytest.fixture
def scored(store, tmp_path):
    _graph(tmp_path / "input").load(store)
    score(store)
    return store


def _ids(path: Path) -> list[str]:
    return [line.split(",")[0] for line in path.read_text(encoding="utf-8").splitlines()[1:]]


def test_events_opt_out_and_bounce_from_their_time_on(scored, tmp_path):
    report = export_audience(scored, "csv", tmp_path / "c.csv", level="contacts")
    assert sorted(_ids(tmp_path / "c.csv")) == ["C4", "C5"]
    manifest = json.loads(report.manifest.read_text(encoding="utf-8"))
    assert manifest["counts"]["excluded"] == {"opted_out": 2, "bounced": 1, "no_consent": 2}

    # A week before the events, those three people were still reachable.
    earlier = pd.Timestamp(AS_OF) - pd.Timedelta(days=7)
    selection = select_contacts(scored, AudienceFilters(), now=earlier)
    assert sorted(selection.rows["contact_id"]) == ["C1", "C2", "C3", "C4", "C5"]
    # Between the bounce (4 days before) and the spam complaint (3 days before).
    between = pd.Timestamp(AS_OF) - pd.Timedelta(days=3.5)
    selection = select_contacts(scored, AudienceFilters(), now=between)
    assert sorted(selection.rows["contact_id"]) == ["C2", "C4", "C5"]
    assert selection.excluded["opted_out"] == 1 and selection.excluded["bounced"] == 1


def test_consent_states_per_platform_come_from_the_config(scored, tmp_path):
    config = config_from_dict({"export": {"consent": {"meta_customer_list": ["given", "unknown"]}}})
    meta = export_audience(scored, "meta-customer-list", tmp_path / "m.csv", config=config)
    google = export_audience(scored, "google-customer-match", tmp_path / "g.csv", config=config)
    assert (meta.included, meta.excluded["no_consent"]) == (3, 1)  # C6 in; C7 refused
    assert (google.included, google.excluded["no_consent"]) == (2, 2)
    assert "[export.consent] google_customer_match" in google.summary_line()


def test_meta_state_and_uk_postcode_follow_metas_rules(scored, tmp_path):
    export_audience(scored, "meta-customer-list", tmp_path / "m.csv")
    lines = (tmp_path / "m.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    rows = [dict(zip(header, line.split(","), strict=True)) for line in lines[1:]]

    def sha(text: str) -> str:
        return hashlib.sha256(text.encode()).hexdigest()

    by_zip = {row["zip"]: row for row in rows}
    us, uk = by_zip[sha("94105")], by_zip[sha("sw1a1")]  # UK: outward code + sector digit
    assert us["st"] == sha("ca")  # California → its two-letter code
    assert uk["st"] == sha("greaterlondon")


def test_a_list_with_no_rows_writes_nothing_and_says_why(scored, tmp_path):
    out = tmp_path / "none.csv"
    with pytest.raises(InputError) as error:
        export_audience(scored, "google-customer-match", out, filters={"min_contact_score": 99})
    message = str(error.value)
    assert message.startswith("No contacts to write for google-customer-match")
    assert "min_contact_score 7 (fix: lower --min-contact-score)" in message
    assert list(tmp_path.glob("none*")) == []
    dry = export_audience(
        scored, "google-customer-match", out, filters={"min_contact_score": 99}, dry_run=True
    )
    assert dry.warnings[-1].startswith("No contacts to write for google-customer-match, so a real")


def test_linkedin_refuses_short_lists_unless_forced(scored, tmp_path):
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    out = tmp_path / "li.csv"
    with pytest.raises(InputError, match="LinkedIn refuses lists under 300 rows, and this "):
        export_audience(scored, "linkedin-contacts", out)
    assert list(tmp_path.iterdir()) == []
    dry = export_audience(scored, "linkedin-contacts", out, dry_run=True)
    assert any("A real run writes nothing without --force" in w for w in dry.warnings)
    report = export_audience(scored, "linkedin-contacts", out, force=True)
    assert report.included == 2 and out.exists()


def test_re_exporting_with_fewer_parts_removes_the_earlier_ones(scored, tmp_path):
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    out = tmp_path / "list.csv"
    other = tmp_path / "list-extra.csv"
    other.write_text("not ours\n", encoding="utf-8")
    first = export_audience(scored, "csv", out, level="contacts", max_rows=1)
    assert [p.path.name for p in first.parts] == ["list-001.csv", "list-002.csv"]
    export_audience(scored, "csv", out, level="contacts")
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["list-extra.csv", "list.csv", "list.csv.manifest.json"]

    # Split again: the single file of the run before goes too.
    export_audience(scored, "csv", out, level="contacts", max_rows=1)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["list-001.csv", "list-002.csv", "list-extra.csv", "list.csv.manifest.json"]


def test_csv_and_json_to_one_stem_keep_separate_manifests(scored, tmp_path):
    csv_report = export_audience(scored, "csv", tmp_path / "x.csv", level="contacts", max_rows=1)
    export_audience(scored, "json", tmp_path / "x.json", level="contacts")
    csv_manifest = json.loads((tmp_path / "x.csv.manifest.json").read_text(encoding="utf-8"))
    json_manifest = json.loads((tmp_path / "x.json.manifest.json").read_text(encoding="utf-8"))
    assert [f["file"] for f in csv_manifest["files"]] == [p.path.name for p in csv_report.parts]
    assert [f["file"] for f in json_manifest["files"]] == ["x.json"]
    # Re-exporting the json leaves the csv parts alone.
    export_audience(scored, "json", tmp_path / "x.json", level="contacts")
    assert (tmp_path / "x-001.csv").exists() and (tmp_path / "x-002.csv").exists()


def test_a_legacy_manifest_names_parts_that_are_removed(scored, tmp_path):
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    for name in ("old-001.csv", "old-002.csv", "old-003.csv"):
        (tmp_path / name).write_text("a\r\n", encoding="utf-8")
    files = [{"file": f"old-00{i}.csv", "rows": 1, "bytes": 3} for i in (1, 2, 3)]
    files.append({"file": "../outside.csv", "rows": 1, "bytes": 3})  # never followed
    (tmp_path / "outside.csv").write_text("keep\n", encoding="utf-8")
    (tmp_path / "old.manifest.json").write_text(json.dumps({"files": files}), encoding="utf-8")
    export_audience(scored, "csv", tmp_path / "old.csv", level="contacts")
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["old.csv", "old.csv.manifest.json", "outside.csv"]


def test_cli_refusals_are_one_line_errors(tmp_path):
    _graph(tmp_path / "input").load(open_store("embedded", tmp_path / "ws"))
    with open_store("embedded", tmp_path / "ws") as store:
        score(store)
    base = ["--workspace", str(tmp_path / "ws"), "export"]
    out = str(tmp_path / "li.csv")
    result = CliRunner().invoke(cli, [*base, "linkedin-contacts", "--out", out])
    assert result.exit_code == 1
    assert "LinkedIn refuses lists under 300 rows" in result.stderr
    assert "Traceback" not in result.output
    assert not Path(out).exists()
    result = CliRunner().invoke(cli, [*base, "linkedin-contacts", "--out", out, "--force"])
    assert result.exit_code == 0, result.output
    assert Path(out).exists()

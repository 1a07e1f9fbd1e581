"""Seniority and department inferred from job titles by the rules table."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from abmgraph.errors import ConfigError
from abmgraph.graph.vocab import DEPARTMENTS, SENIORITIES
from abmgraph.ingest.titles import (
    classify_titles,
    fold_titles,
    infer_department,
    infer_seniority,
    load_rules,
)

C, VP, DIR, MGR, IC, ENTRY = (
    "c_level",
    "vp",
    "director",
    "manager",
    "individual_contributor",
    "entry",
)
NA = None

# (title, seniority, department), each worked out from the rules' intent.
TITLES = [
    # C-suite and owners
    ("CEO", C, "executive"),
    ("Chief Executive Officer", C, "executive"),
    ("Founder & CEO", C, "executive"),
    ("Co-Founder", C, "executive"),
    ("Co-Founder & CTO", C, "engineering"),
    ("Chief Financial Officer", C, "finance"),
    ("CFO", C, "finance"),
    ("Chief Technology Officer", C, "engineering"),
    ("CIO", C, "it"),
    ("Chief Information Security Officer", C, "it"),
    ("CISO", C, "it"),
    ("Chief Marketing Officer", C, "marketing"),
    ("CMO", C, "marketing"),
    ("Chief Operating Officer", C, "operations"),
    ("COO", C, "operations"),
    ("Chief Revenue Officer", C, "sales"),
    ("CRO", C, "sales"),
    ("Chief Product Officer", C, "product"),
    ("Chief People Officer", C, "hr"),
    ("CHRO", C, "hr"),
    ("Chief Legal Officer", C, "legal"),
    ("Chief Procurement Officer", C, "procurement"),
    ("Chief Strategy Officer", C, "executive"),
    ("President", C, "executive"),
    ("President & COO", C, "operations"),
    ("Managing Director", C, "executive"),
    ("Owner", C, "executive"),
    ("Business Owner", C, "executive"),
    ("Chairman of the Board", C, "executive"),
    ("Non-Executive Director", C, "executive"),
    ("Managing Partner", C, "executive"),
    ("Partner", C, "executive"),
    ("General Counsel", C, "legal"),
    ("Geschäftsführer", C, "executive"),
    # Vice presidents
    ("VP of Engineering", VP, "engineering"),
    ("Vice President, Sales", VP, "sales"),
    ("Vice-President Marketing", VP, "marketing"),
    ("SVP Finance", VP, "finance"),
    ("EVP, Operations", VP, "operations"),
    ("AVP, Information Technology", VP, "it"),
    ("V.P. Human Resources", VP, "hr"),
    ("VP Sales & Marketing", VP, "sales"),
    ("Senior Vice President, Customer Success", VP, "support"),
    ("General Manager", VP, "executive"),
    # Directors and heads
    ("IT Director", DIR, "it"),
    ("Director of Sales Operations", DIR, "sales"),
    ("Sr. Director, Product Management", DIR, "product"),
    ("Head of Data", DIR, "engineering"),
    ("Head of IT", DIR, "it"),
    ("Head of Procurement", DIR, "procurement"),
    ("Director of Engineering", DIR, "engineering"),
    ("Finance Director", DIR, "finance"),
    ("Associate Director, Legal", DIR, "legal"),
    ("Executive Director", DIR, "executive"),
    ("Account Director", DIR, "sales"),
    ("Creative Director", DIR, "marketing"),
    ("Financial Controller", DIR, "finance"),
    ("Chief of Staff", DIR, "executive"),
    ("Deputy General Counsel", DIR, "legal"),
    ("Directeur Commercial", DIR, "sales"),
    # Managers and leads
    ("Marketing Operations Manager", MGR, "marketing"),
    ("Product Marketing Manager", MGR, "marketing"),
    ("Product Manager", MGR, "product"),
    ("Product Owner", MGR, "product"),
    ("Engineering Manager", MGR, "engineering"),
    ("IT Manager", MGR, "it"),
    ("Account Manager", MGR, "sales"),
    ("Key Account Manager", MGR, "sales"),
    ("Customer Success Manager", MGR, "support"),
    ("Technical Account Manager", MGR, "support"),
    ("HR Manager", MGR, "hr"),
    ("Procurement Manager", MGR, "procurement"),
    ("Category Manager", MGR, "procurement"),
    ("Compliance Manager", MGR, "legal"),
    ("Contract Manager", MGR, "legal"),
    ("IT Compliance Manager", MGR, "it"),
    ("Demand Generation Manager", MGR, "marketing"),
    ("Lead Generation Manager", MGR, "marketing"),
    ("Supply Chain Manager", MGR, "operations"),
    ("Office Manager", MGR, "operations"),
    ("Operations Manager", MGR, "operations"),
    ("Regional Sales Manager", MGR, "sales"),
    ("Partner Account Manager", MGR, "sales"),
    ("Team Lead, Customer Support", MGR, "support"),
    ("Tech Lead", MGR, "engineering"),
    ("Lead Software Engineer", MGR, "engineering"),
    ("Warehouse Supervisor", MGR, "operations"),
    ("Student Success Manager", MGR, NA),
    ("Project Manager", MGR, NA),
    ("Responsable Marketing", MGR, "marketing"),
    # Individual contributors
    ("Account Executive", IC, "sales"),
    ("Enterprise Account Executive", IC, "sales"),
    ("Sales Development Representative", IC, "sales"),
    ("BDR", IC, "sales"),
    ("Sales Engineer", IC, "sales"),
    ("Solutions Consultant", IC, "sales"),
    ("Executive Assistant", IC, "executive"),
    ("Executive Assistant to the CEO", IC, "executive"),
    ("CEO Assistant", IC, "executive"),
    ("Executive Search Consultant", IC, "hr"),
    ("Software Engineer", IC, "engineering"),
    ("Senior Software Engineer", IC, "engineering"),
    ("Staff Engineer", IC, "engineering"),
    ("Principal Engineer", IC, "engineering"),
    ("Junior Developer", IC, "engineering"),
    ("Full-Stack Developer", IC, "engineering"),
    ("DevOps Engineer", IC, "engineering"),
    ("Site Reliability Engineer", IC, "engineering"),
    ("Data Scientist", IC, "engineering"),
    ("Data Engineer", IC, "engineering"),
    ("Solutions Architect", IC, "engineering"),
    ("QA Tester", IC, "engineering"),
    ("Scrum Master", IC, "engineering"),
    ("Security Engineer", IC, "it"),
    ("Network Administrator", IC, "it"),
    ("Systems Administrator", IC, "it"),
    ("Help Desk Technician", IC, "it"),
    ("Database Administrator", IC, "it"),
    ("SAP Consultant", IC, "it"),
    ("Financial Analyst", IC, "finance"),
    ("FP&A Analyst", IC, "finance"),
    ("Accountant", IC, "finance"),
    ("Accounts Payable Specialist", IC, "finance"),
    ("Content Marketing Specialist", IC, "marketing"),
    ("Graphic Designer", IC, "marketing"),
    ("Media Buyer", IC, "marketing"),
    ("Marketing Data Analyst", IC, "marketing"),
    ("Lead Generation Specialist", IC, "marketing"),
    ("Recruiter", IC, "hr"),
    ("Technical Recruiter", IC, "hr"),
    ("Sales Recruiter", IC, "hr"),
    ("HR Business Partner", IC, "hr"),
    ("Talent Acquisition Partner", IC, "hr"),
    ("Payroll Specialist", IC, "hr"),
    ("Legal Counsel", IC, "legal"),
    ("Paralegal", IC, "legal"),
    ("Data Protection Officer", IC, "legal"),
    ("Buyer", IC, "procurement"),
    ("Purchasing Agent", IC, "procurement"),
    ("UX Designer", IC, "product"),
    ("Customer Service Representative", IC, "support"),
    ("Support Engineer", IC, "support"),
    ("Call Center Agent", IC, "support"),
    ("Logistics Coordinator", IC, "operations"),
    ("Data Entry Clerk", IC, "operations"),
    ("Business Analyst", IC, NA),
    ("Consultant", IC, NA),
    ("Ingeniero de Software", IC, "engineering"),
    ("Campus Recruiter", IC, "hr"),
    # Entry level
    ("Marketing Intern", ENTRY, "marketing"),
    ("Software Engineering Intern", ENTRY, "engineering"),
    ("Product Manager Intern", ENTRY, "product"),
    ("Summer Analyst", ENTRY, NA),
    ("Graduate Engineer", ENTRY, "engineering"),
    ("PhD Student", ENTRY, NA),
    ("Trainee Accountant", ENTRY, "finance"),
    ("Apprentice", ENTRY, NA),
    ("Werkstudent Vertrieb", ENTRY, "sales"),
    # Nothing to go on, or only a level
    ("Foo Bar", NA, NA),
    ("VP", VP, "executive"),
]


@pytest.mark.parametrize(("title", "seniority", "department"), TITLES)
def test_title_is_classified(title: str, seniority: str | None, department: str | None) -> None:
    titles = pd.Series([title], dtype="str")
    assert _value(infer_seniority(titles)) == seniority
    assert _value(infer_department(titles)) == department


def test_whole_table_in_one_call_matches_one_at_a_time() -> None:
    titles = pd.Series([t for t, _, _ in TITLES], dtype="str")
    both = classify_titles(titles)
    assert [_cell(v) for v in both["seniority"]] == [s for _, s, _ in TITLES]
    assert [_cell(v) for v in both["department"]] == [d for _, _, d in TITLES]


def test_spelling_variants_fold_to_the_same_answer() -> None:
    titles = pd.Series(["Sr. Director", "SR DIRECTOR", "sr-director", "  Sr  Director  "])
    assert infer_seniority(titles).tolist() == ["director"] * 4


def test_fold_titles() -> None:
    import pyarrow as pa

    folded = fold_titles(pa.array(["Sr. Vice-President (R&D)", "Directeur Général", "C# / C++"]))
    assert folded.to_pylist() == ["sr vice president r&d", "directeur general", "c# c++"]


def test_empty_and_missing_titles_are_missing() -> None:
    titles = pd.Series(["", "   ", None, "--"], dtype="str")
    assert infer_seniority(titles).isna().all()
    assert infer_department(titles).isna().all()


def test_empty_series() -> None:
    out = infer_seniority(pd.Series([], dtype="str"))
    assert len(out) == 0


def test_index_is_kept() -> None:
    titles = pd.Series(["CEO", "Intern", None], index=[10, 5, 7], dtype="str")
    out = infer_seniority(titles)
    assert list(out.index) == [10, 5, 7]
    assert out.loc[5] == "entry"
    assert out.loc[10] == "c_level"


def test_object_dtype_input() -> None:
    out = infer_department(pd.Series(["CFO", None, 3], dtype=object))
    assert out.iloc[0] == "finance"
    assert out.iloc[1:].isna().all()


def test_bundled_rules_use_only_canonical_values() -> None:
    rules = load_rules()
    assert {r.value for r in rules if r.kind == "seniority"} <= set(SENIORITIES)
    assert {r.value for r in rules if r.kind == "department"} <= set(DEPARTMENTS)
    assert {r.kind for r in rules} == {"seniority", "department"}


def test_custom_rules_table(tmp_path: Path) -> None:
    path = tmp_path / "rules.csv"
    path.write_text(
        "kind,priority,value,pattern\n"
        "# comment row,,,\n"
        "seniority,2,vp,\\bhead\\b\n"
        "seniority,1,c_level,\\bhead of everything\\b\n"
        "department,1,finance,\\bbeans\\b\n",
        encoding="utf-8",
    )
    rules = load_rules(path)
    titles = pd.Series(["Head of Everything", "Head of Beans", "Engineer"])
    assert infer_seniority(titles, rules).tolist()[:2] == ["c_level", "vp"]
    assert infer_seniority(titles, rules).isna().tolist() == [False, False, True]
    assert infer_department(titles, rules).tolist()[1] == "finance"


def test_custom_rules_may_use_python_only_regex(tmp_path: Path) -> None:
    # A look-ahead is not RE2; that rule alone runs on Python's engine.
    path = tmp_path / "rules.csv"
    path.write_text(
        "kind,priority,value,pattern\n"
        "seniority,1,manager,\\bmanager\\b(?! intern)\n"
        "seniority,2,entry,\\bintern\\b\n",
        encoding="utf-8",
    )
    titles = pd.Series(["Manager Intern", "Manager", "Intern"])
    assert infer_seniority(titles, load_rules(path)).tolist() == ["entry", "manager", "entry"]


def test_custom_rules_may_use_re2_only_syntax(tmp_path: Path) -> None:
    path = tmp_path / "rules.csv"
    path.write_text(
        "kind,priority,value,pattern\nseniority,1,vp,^\\p{L}+ boss$\n", encoding="utf-8"
    )
    titles = pd.Series(["Big Boss", "12 Boss"])
    assert cells(infer_seniority(titles, load_rules(path))) == ["vp", None]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("kind,value,pattern\n", "missing column(s) priority"),
        ("kind,priority,value,pattern\nlevel,1,vp,x\n", "line 2: kind 'level'"),
        ("kind,priority,value,pattern\nseniority,1,boss,x\n", "line 2: seniority 'boss'"),
        ("kind,priority,value,pattern\ndepartment,first,it,x\n", "priority 'first'"),
        ("kind,priority,value,pattern\ndepartment,1,it,(unclosed\n", "not a valid regex"),
        ("kind,priority,value,pattern\ndepartment,1,it,\n", "the pattern is empty"),
        ("kind,priority,value,pattern\ndepartment,1,it,a,b\n", "more fields than the header"),
    ],
)
def test_invalid_rules_table_is_refused(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "rules.csv"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_rules(path)


def test_missing_rules_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="Cannot read the title rules file"):
        load_rules(tmp_path / "absent.csv")


def _cell(value: object) -> str | None:
    return None if pd.isna(value) else str(value)


def cells(series: pd.Series) -> list[str | None]:
    return [_cell(v) for v in series]


def _value(series: pd.Series) -> str | None:
    assert len(series) == 1
    return _cell(series.iloc[0])

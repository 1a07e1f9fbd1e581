"""Job titles by department and seniority, and what each title states about both."""

import numpy as np
import pyarrow as pa

from abmgraph.demo.columns import lookup
from abmgraph.demo.draws import draw_within, grouped
from abmgraph.graph.vocab import DEPARTMENTS, SENIORITIES

__all__ = ["draw_titles"]


# fmt: off

# department, seniority, what the title states unambiguously (d: department, s: seniority;
# only those may be left blank for inference), title.
_TITLE_TABLE = """
executive   c_level                 ds  Chief Executive Officer
executive   c_level                 ds  CEO
executive   c_level                 ds  Founder & CEO
executive   c_level                 s   President
executive   c_level                 s   Co-Founder
it          c_level                 s   Chief Information Officer
it          c_level                 s   Chief Information Security Officer
engineering c_level                 s   Chief Technology Officer
engineering c_level                 s   CTO
finance     c_level                 s   Chief Financial Officer
finance     c_level                 s   CFO
operations  c_level                 s   Chief Operating Officer
marketing   c_level                 s   Chief Marketing Officer
sales       c_level                 s   Chief Revenue Officer
hr          c_level                 s   Chief People Officer
legal       c_level                 s   Chief Legal Officer
procurement c_level                 s   Chief Procurement Officer
product     c_level                 s   Chief Product Officer
support     c_level                 s   Chief Customer Officer
other       c_level                 s   Chief Strategy Officer
it          vp                      ds  VP of IT
it          vp                      ds  Vice President, Information Technology
engineering vp                      ds  VP of Engineering
engineering vp                      ds  SVP, Engineering
finance     vp                      ds  VP of Finance
finance     vp                      ds  Vice President, Finance
operations  vp                      ds  VP of Operations
marketing   vp                      ds  VP of Marketing
marketing   vp                      ds  Vice President, Demand Generation
sales       vp                      ds  VP of Sales
sales       vp                      ds  Vice President, Sales
hr          vp                      ds  VP of Human Resources
hr          vp                      ds  VP, People
legal       vp                      ds  VP, Legal
legal       vp                      -   Deputy General Counsel
procurement vp                      ds  VP of Procurement
product     vp                      ds  VP of Product
product     vp                      ds  Vice President, Product Management
support     vp                      ds  VP of Customer Success
other       vp                      s   VP, Corporate Strategy
it          director                ds  IT Director
it          director                ds  Director of IT
it          director                s   Director, IT Operations
it          director                ds  Head of IT
engineering director                ds  Director of Engineering
engineering director                ds  Head of Engineering
engineering director                s   Head of Data
finance     director                ds  Finance Director
finance     director                ds  Head of Finance
finance     director                -   Controller
operations  director                ds  Director of Operations
operations  director                ds  Head of Operations
marketing   director                ds  Marketing Director
marketing   director                ds  Director, Demand Generation
marketing   director                ds  Head of Marketing
sales       director                ds  Sales Director
sales       director                ds  Head of Sales
hr          director                ds  HR Director
hr          director                ds  Head of People
legal       director                ds  Director of Legal Affairs
legal       director                ds  Head of Legal
procurement director                ds  Procurement Director
procurement director                ds  Head of Procurement
product     director                ds  Director of Product Management
product     director                ds  Head of Product
support     director                ds  Director of Customer Support
other       director                s   Director of Strategy
it          manager                 ds  IT Manager
it          manager                 ds  Information Security Manager
engineering manager                 ds  Engineering Manager
engineering manager                 ds  Software Engineering Manager
finance     manager                 ds  Finance Manager
finance     manager                 ds  Accounting Manager
operations  manager                 ds  Operations Manager
marketing   manager                 ds  Marketing Manager
marketing   manager                 ds  Demand Generation Manager
marketing   manager                 s   Product Marketing Manager
sales       manager                 ds  Sales Manager
sales       manager                 ds  Regional Sales Manager
hr          manager                 ds  HR Manager
hr          manager                 ds  Talent Acquisition Manager
legal       manager                 ds  Compliance Manager
procurement manager                 ds  Procurement Manager
procurement manager                 ds  Purchasing Manager
product     manager                 ds  Product Manager
support     manager                 ds  Customer Success Manager
support     manager                 ds  Support Manager
other       manager                 s   Office Manager
other       manager                 s   Project Manager
it          individual_contributor  d   IT Analyst
it          individual_contributor  ds  Senior IT Analyst
it          individual_contributor  -   Systems Administrator
engineering individual_contributor  ds  Junior Developer
engineering individual_contributor  d   Software Engineer
engineering individual_contributor  ds  Senior Software Engineer
engineering individual_contributor  d   Data Engineer
engineering individual_contributor  ds  Senior Data Engineer
finance     individual_contributor  ds  Junior Accountant
finance     individual_contributor  d   Financial Analyst
finance     individual_contributor  ds  Senior Accountant
operations  individual_contributor  d   Operations Analyst
operations  individual_contributor  d   Operations Coordinator
marketing   individual_contributor  d   Marketing Specialist
marketing   individual_contributor  ds  Senior Marketing Specialist
marketing   individual_contributor  d   Digital Marketing Specialist
sales       individual_contributor  -   Account Executive
sales       individual_contributor  d   Sales Development Representative
sales       individual_contributor  d   Business Development Representative
hr          individual_contributor  d   HR Generalist
hr          individual_contributor  -   Recruiter
legal       individual_contributor  d   Legal Counsel
legal       individual_contributor  ds  Senior Legal Counsel
legal       individual_contributor  -   Paralegal
procurement individual_contributor  d   Procurement Specialist
procurement individual_contributor  ds  Senior Procurement Specialist
procurement individual_contributor  -   Senior Buyer
product     individual_contributor  d   Product Analyst
product     individual_contributor  ds  Senior Product Designer
support     individual_contributor  d   Customer Support Specialist
support     individual_contributor  ds  Senior Support Specialist
other       individual_contributor  -   Consultant
other       individual_contributor  -   Executive Assistant
it          entry                   ds  IT Intern
engineering entry                   ds  Software Engineering Intern
finance     entry                   ds  Finance Intern
operations  entry                   ds  Operations Intern
marketing   entry                   ds  Marketing Intern
sales       entry                   ds  Sales Intern
hr          entry                   ds  HR Intern
legal       entry                   ds  Legal Intern
procurement entry                   ds  Procurement Intern
product     entry                   ds  Product Management Intern
support     entry                   ds  Customer Support Intern
other       entry                   s   Student
other       entry                   s   Graduate Trainee
"""
_TITLES = tuple(tuple(line.split(maxsplit=3)) for line in _TITLE_TABLE.strip().splitlines())

# fmt: on


def draw_titles(
    rng: np.random.Generator, department: np.ndarray, seniority: np.ndarray
) -> tuple[pa.Array, np.ndarray, np.ndarray]:
    """A title per contact, and whether it states the department / the seniority."""
    key = [DEPARTMENTS.index(d) * len(SENIORITIES) + SENIORITIES.index(s) for d, s, *_ in _TITLES]
    groups = [[] for _ in range(len(DEPARTMENTS) * len(SENIORITIES))]
    for k, row in zip(key, _TITLES, strict=True):
        groups[k].append(row)
    rows, offsets = grouped(groups)
    row = draw_within(rng, offsets, department * len(SENIORITIES) + seniority)
    states_department = np.array(["d" in r[2] for r in rows])[row]
    states_seniority = np.array(["s" in r[2] for r in rows])[row]
    return lookup([r[3] for r in rows], row), states_department, states_seniority

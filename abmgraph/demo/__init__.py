"""Realistic synthetic data in the native data contract, with a planted in-market truth.

``generate`` builds accounts, buying committees, engagement events, third-party
intent, opportunities and their contact roles for a given ``anchor`` instant.
A known share of target accounts is *in market*: their committees engage more
broadly, more senior people take part, the activity surges in the last weeks
and carries more high-intent events and intent topics. Everyone else gets
background engagement, with some deliberate noise (a hyperactive junior at an
out-of-market account, an in-market account missing a department), so a
committee-based scorer can be measured against ``DemoData.truth``. Being in
market also shows in the graph's structure (``demo/patterns.py``): an
evaluator and the executive up their reporting line both engage, a champion
returns from a customer's won deal, subsidiaries follow their parent into the
market.

Everything is drawn with vectorised numpy from one ``numpy.random.default_rng``
seeded by ``seed``: the same seed, anchor and sizes give identical frames and
identical files. Ten million events take seconds, not minutes.

Examples
--------
>>> data = generate(accounts=20, seed=1, anchor="2026-10-01")
>>> len(data.accounts), data.truth["in_market"].dtype.name
(20, 'bool')
>>> bool((data.engagements["occurred_at"] <= data.anchor).all())
True
"""

from abmgraph.demo.dataset import FILE_KINDS, DemoData, parse_anchor
from abmgraph.demo.files import write
from abmgraph.demo.generator import generate

__all__ = ["FILE_KINDS", "DemoData", "generate", "parse_anchor", "write"]

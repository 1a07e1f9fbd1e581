"""Audience files for ad platforms and ABM tools, built from the stored scores.

``export_audience`` selects accounts or contacts with the audience filters,
leaves out everyone compliance says must never be sent (opted out, bounced,
no consent), normalises and hashes identifiers the way each platform does,
writes UTF-8 RFC 4180 files split at the platform's limits, and puts a
manifest beside them that says what went in, what was left out and why.

Platforms: ``linkedin-companies``, ``linkedin-contacts``,
``google-customer-match``, ``meta-customer-list``, ``6sense-accounts``,
``demandbase-accounts``, and ``csv`` / ``json`` for everything else.

``export_crm`` writes the scores back instead: Salesforce Data Loader and
HubSpot import update files keyed by the CRM's record ids (see
:mod:`abmgraph.export.crm`).
"""

from abmgraph.export.crm import CRM_PLATFORMS, CrmExportReport, export_crm
from abmgraph.export.platforms import PLATFORM_NAMES, PLATFORMS, Platform, platform_spec
from abmgraph.export.run import ExportReport, export_audience

__all__ = [
    "CRM_PLATFORMS",
    "PLATFORMS",
    "PLATFORM_NAMES",
    "CrmExportReport",
    "ExportReport",
    "Platform",
    "export_audience",
    "export_crm",
    "platform_spec",
]

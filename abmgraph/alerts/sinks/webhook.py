"""POST a run's alerts to a webhook, retrying what may pass on a second try.

Connection errors, 429 and 5xx answers are retried with exponential
back-off (``urllib3``'s ``Retry``, honouring ``Retry-After``); any other
4xx is a refusal and is not retried. The URL may carry a token, so messages
name only its scheme and host.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from abmgraph.errors import DeliveryError, InputError

__all__ = ["RETRY_STATUSES", "check_webhook", "post_alerts", "redact"]

RETRY_STATUSES = (429, 500, 502, 503, 504)


def check_webhook(url: str) -> str:
    """``url`` if it is an http(s) URL with a host; else an error (it is never printed whole)."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise InputError("--webhook must be an http:// or https:// URL with a host.")
    return url.strip()


def redact(url: str) -> str:
    """The URL without path, query or credentials: ``https://hooks.example.com``."""
    parts = urlsplit(url)
    host = parts.hostname or "?"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}"


def post_alerts(
    url: str,
    payload: dict[str, Any],
    *,
    retries: int = 4,
    backoff: float = 0.5,
    timeout: float = 10.0,
) -> int:
    """POST ``payload`` as JSON; the HTTP status of the answer that was accepted.

    Raises
    ------
    DeliveryError
        The endpoint refused (4xx), kept failing after ``retries`` retries,
        or could not be reached.
    """
    retry = Retry(
        total=retries,
        connect=retries,
        read=0,  # the request may have arrived: sending it again could alert twice
        status=retries,
        backoff_factor=backoff,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=frozenset({"POST"}),
        raise_on_status=False,
        respect_retry_after_header=True,
    )
    where = redact(url)
    with requests.Session() as session:
        adapter = HTTPAdapter(max_retries=retry)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        try:
            response = session.post(url, json=payload, timeout=timeout)
        except requests.RequestException as exc:
            reason = type(exc).__name__
            raise DeliveryError(f"The webhook at {where} could not be reached ({reason})") from None
    if response.status_code >= 400:
        verdict = "refused the alerts" if response.status_code < 500 else "kept failing"
        raise DeliveryError(f"The webhook at {where} {verdict} (HTTP {response.status_code})")
    return response.status_code

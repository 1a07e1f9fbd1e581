"""The workspace's ``scoring.toml`` as the watcher last read it, read again when it changes.

A watcher runs for weeks; an edit of its config should not need a restart.
Before each poll's batch the watcher asks :meth:`ConfigFile.check`, which
costs one ``stat`` while nothing changed: the file's signature (inode,
modification time in nanoseconds, size) is compared with the one last read,
and only a different signature reads the text. A text equal to the last one
read (the file was touched or saved unchanged) changes nothing and says
nothing.

A valid new config is used from the next batch on, and one line says what
follows: a different scoring fingerprint makes the next rescore full
(incremental scoring rescores everything when the stored config hash
differs), while sections that never change a score (``[alerts]``,
``[watch]`` …) take effect without it. An invalid one is reported in one
line and the config in use stays; it is read again only when the file
changes again, so a broken edit is reported once, not at every poll. A
removed file brings back the defaults, as a watcher started without one
would have.

An edit made within the file system's timestamp granularity (a few
milliseconds) of the previous read that also keeps the size is not seen
until the next change: the signature cannot tell the two apart.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from abmgraph.errors import ConfigError
from abmgraph.scoring.config import ScoringConfig, config_from_bytes, config_hash

__all__ = ["ConfigFile", "Signature", "sections_changed"]

Signature = tuple[int, int, int]  # inode, mtime_ns, size


def _signature(path: Path) -> Signature | None:
    """The file's inode, modification time and size; None when there is no file."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_ino, stat.st_mtime_ns, stat.st_size


def _digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:  # missing or unreadable: any text read later counts as new
        return None


def sections_changed(old: ScoringConfig, new: ScoringConfig) -> list[str]:
    """The sections outside the scoring fingerprint that differ, in the config's order."""
    outside = [name for name, info in ScoringConfig.model_fields.items() if info.exclude]
    return [name for name in outside if getattr(old, name) != getattr(new, name)]


def _one_line(exc: BaseException) -> str:
    """A config error's lines (a heading, then one per invalid setting) joined into one."""
    head, *settings = [line.strip() for line in str(exc).splitlines() if line.strip()] or [""]
    if not settings:
        return head
    return f"{head}{' ' if head.endswith(':') else '; '}{'; '.join(settings)}"


class ConfigFile:
    """A config file and the config last taken from it.

    ``config`` is what the caller read from ``path`` just before: the
    signature and text taken here are its baseline, so only later edits count.
    """

    def __init__(self, path: Path, config: ScoringConfig) -> None:
        self.path = Path(path)
        self.config = config
        self._signature = _signature(self.path)
        self._digest = _digest(self.path)

    def check(self, scored_hash: str | None = None) -> str | None:
        """Read the file again if it changed; the line saying what that did, else None.

        ``config`` is replaced only by a valid new config (or the defaults when
        the file was removed); it never raises for a bad file. ``scored_hash``
        is the config hash the stored scores were taken with, when known: a new
        config equal to it rescores incrementally, whatever the one before.
        """
        signature = _signature(self.path)
        if signature == self._signature:
            return None
        # Taken before the text is read: a write that ends after the read changes the
        # signature again, and the next check reads the finished file.
        self._signature = signature
        name = self.path.name
        if signature is None:
            return self._removed(name, scored_hash)
        try:
            text = self.path.read_bytes()
        except FileNotFoundError:  # removed between the stat and the read
            self._signature = None
            return self._removed(name, scored_hash)
        except OSError as exc:
            return f"{name} changed but cannot be read; keeping the config in use: {exc}"
        digest = hashlib.sha256(text).hexdigest()
        if digest == self._digest:
            return None
        self._digest = digest
        try:
            new = self._parse(text)
        except (ConfigError, ValueError) as exc:  # ValueError: a validator's own, unwrapped
            return f"{name} changed but is invalid; keeping the config in use: {_one_line(exc)}"
        return f"{name} changed: {self._take(new, scored_hash)}"

    def _parse(self, text: bytes) -> ScoringConfig:
        """The config in ``text``, the bytes just hashed: a second read could see a later
        write, and the config used would not be the text recorded as read."""
        return config_from_bytes(text, source=str(self.path))

    def _removed(self, name: str, scored_hash: str | None) -> str:
        self._digest = None
        return f"{name} removed, back to the defaults: {self._take(ScoringConfig(), scored_hash)}"

    def _take(self, new: ScoringConfig, scored_hash: str | None) -> str:
        """Use ``new`` from now on; what that changes, for the line."""
        old, self.config = self.config, new
        effects = []
        fingerprint = config_hash(new)
        if fingerprint == scored_hash and fingerprint != config_hash(old):
            # Edited and set back before any rescore: the stored scores still match it.
            effects.append("the scoring config is the stored scores' again (no full rescore)")
        elif fingerprint != config_hash(old):
            effects.append("the next rescore is full (the scoring config changed)")
        sections = sections_changed(old, new)
        if sections:
            effects.append(f"{'/'.join(sections)} settings updated")
        return "; ".join(effects) or "no setting changed"

"""Exit statuses of the `verify` command, documented once and mapped in one place."""

from __future__ import annotations

import enum


class ExitStatus(enum.IntEnum):
    """What the exit status of `verify` means; scripts and CI rely on these numbers."""

    OK = 0
    POLICY_FAILED = 1
    USAGE = 2
    BAD_INPUT = 3
    OUTPUT_ERROR = 4
    EVIDENCE_ERROR = 5
    NETWORK_DOWN = 6
    PARTLY_CHECKED = 7
    NOT_CHECKED = 8
    INTERNAL_ERROR = 70
    INTERRUPTED = 130

    @property
    def meaning(self) -> str:
        return _MEANINGS[self]


_MEANINGS = {
    ExitStatus.OK: (
        "every article was checked (every statement's evidence was read) and passes the policy (--fail-on); "
        "--fail-on never passes articles whose evidence could not be read too"
    ),
    ExitStatus.POLICY_FAILED: "an article has a statement the policy fails on (disputed by default)",
    ExitStatus.USAGE: "the command line was wrong (unknown option, missing argument)",
    ExitStatus.BAD_INPUT: "an input file could not be read as an article (empty, binary, no body, no URL...)",
    ExitStatus.OUTPUT_ERROR: "a report could not be written (permissions, full disk)",
    ExitStatus.EVIDENCE_ERROR: "recorded evidence was missing or unreadable (--replay-only without a cassette)",
    ExitStatus.NETWORK_DOWN: (
        "the network was unreachable: nothing could be fetched, not even the archive, so nothing was checked (the "
        "report says so); run with the network, or replay a cassette with --replay-only"
    ),
    ExitStatus.PARTLY_CHECKED: (
        "every article passes the policy on what was read, but some evidence could not be read (blocked, refused, "
        "timed out, rate-limited, --max-time spent): its statements are unverifiable, not checked"
    ),
    ExitStatus.NOT_CHECKED: (
        "nothing could be read: no article's evidence could be fetched (--offline, or every page refused, blocked "
        "or timed out), so nothing was checked"
    ),
    ExitStatus.INTERNAL_ERROR: "an unexpected internal error: a bug; rerun with --traceback and report it",
    ExitStatus.INTERRUPTED: "interrupted (Ctrl-C); reports finished before it are whole, none is half-written",
}


def describe() -> str:
    """The exit statuses as a table for `--help` and the README."""
    return "\n".join(f"{status.value:>3}  {status.meaning}" for status in ExitStatus)

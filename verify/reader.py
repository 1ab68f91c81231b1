"""Cited pages read on a second processor: a child process that extracts a source page's sentences while this one
weighs statements against the pages already read.

The interpreter runs one thread at a time, so the pages of an article, fetched together, were read one after the
other on one core however many the machine has, and the last capture's reading was what the whole run waited for.
The child reads a page when it is idle; a page that finds it busy (or not started yet, or gone) is read here, so no
page ever waits for the child. Its sentences are the ones `page_sentences` gives in this process: the same code on
the same text.

The child is one per process, started on first use as `python -m verify.reader` would be (a fork of a process whose
threads hold locks can deadlock, and multiprocessing's spawn would import the caller's main script again), at a lower
priority, in its own session so that Ctrl-C at the terminal reaches only this process, which stops it; it also ends
when its pipe closes, with this process. Pages and sentences go as pickles over its standard input and output.
`VERIFY_PAGE_READER=0` keeps every reading in this process.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pickle
import select
import subprocess
import sys
import threading
from typing import IO, Any

from verify.extract import source_paragraphs
from verify.text import evidence_sentences

# The child runs at a lower priority from its first instruction (its imports included): it reads pages on a processor
# that is otherwise idle, and never takes one from the run it serves or from the rest of the machine. On the speed
# bench, its start-up (importing the extractor, about a second of processor time) fell on the first articles timed.
_BOOT = (
    "import os, runpy\n"
    "if hasattr(os, 'nice'):\n"
    "    os.nice(10)\n"
    "runpy.run_module('verify.reader', run_name='__main__', alter_sys=True)\n"
)

#: The environment variable that turns the child off ("0").
SWITCH = "VERIFY_PAGE_READER"
#: Pages shorter than this (characters or bytes) are read here: a news page is 25 KB to 1.5 MB and takes 18 ms or more
#: to read (`../shared/bench/articles`), a page of a few KB a few milliseconds, about what sending it to the child and
#: waking it costs; and the child would take the second processor from whatever else runs there.
MIN_SIZE = 10_000
_WARM_UP = "<html><body><article><p>The council met on Monday. It approved the plan.</p></article></body></html>"


def page_sentences(html: str | bytes, url: str) -> tuple[str, ...]:
    """The sentences of a cited page's article text, paragraph by paragraph."""
    return tuple(s for paragraph in source_paragraphs(html, base_url=url) for s in evidence_sentences(paragraph))


class PageReader:
    """The child that reads pages, and the pipes to it; one page at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()  # guards the fields below
        self._busy = threading.Lock()  # held while a page is with the child
        self._process: subprocess.Popen[bytes] | None = None
        self._ready = False
        self._failed = False

    def start(self) -> None:
        """Start the child now, if the machine has a second processor and nothing has turned it off; it takes a
        fraction of a second to import the extractor, during which pages are read here."""
        with self._lock:
            if self._process is not None or self._failed or not _wanted() or not sys.executable:
                return
            try:
                self._process = subprocess.Popen(
                    [sys.executable, "-c", _BOOT],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                    start_new_session=True,
                )
            except OSError:  # no processes left, or no interpreter to run
                self._failed = True

    def read(self, html: str | bytes, url: str) -> tuple[str, ...] | None:
        """`page_sentences` of the page, read by the child; None when the page is short (`MIN_SIZE`) or the child is
        not ready, busy or gone: the caller reads the page itself."""
        if len(html) < MIN_SIZE or not self._usable() or not self._busy.acquire(blocking=False):
            return None
        try:
            process = self._process
            if process is None or process.stdin is None or process.stdout is None:
                return None
            pickle.dump((html, url), process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
            process.stdin.flush()
            kind, value = pickle.load(process.stdout)
        except (OSError, EOFError, ValueError, pickle.PickleError):  # the child died, or the page could not be sent
            self._give_up()
            return None
        finally:
            self._busy.release()
        return tuple(value) if kind == "sentences" else None  # an error: read here, where it is raised and handled

    def close(self) -> None:
        with self._lock:
            process, ready = self._process, self._ready
            self._process, self._ready = None, False
        if process is None:
            return
        idle = self._busy.acquire(blocking=False)
        try:
            if not ready or not idle:
                # Still importing the extractor (a short run), or in the middle of a page whose reader thread holds
                # the pipe: there is nothing to wait for, and the thread's read ends with the child.
                process.kill()
            for stream in (process.stdin, process.stdout):
                if stream is not None:
                    with contextlib.suppress(OSError):  # a child that died leaves a pipe that cannot be flushed
                        stream.close()  # the child's next read ends: it exits
            try:
                process.wait(timeout=1)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        finally:
            if idle:
                self._busy.release()

    def _usable(self) -> bool:
        with self._lock:
            if self._ready:
                return True
            process = self._process
            if process is None or process.stdout is None or self._failed:
                return False
            try:
                if not select.select([process.stdout], [], [], 0)[0]:
                    return False  # still starting
                self._ready = pickle.load(process.stdout) == ("ready", None)
            except (OSError, EOFError, ValueError, pickle.PickleError):
                self._ready = False
            if not self._ready:
                self._failed = True
            return self._ready

    def _give_up(self) -> None:
        with self._lock:
            self._failed = True
        self.close()

    def _forget(self) -> None:
        """In a forked copy of this process: the child and its pipes are the parent's; this copy reads pages itself."""
        self._lock, self._busy = threading.Lock(), threading.Lock()
        self._process, self._ready, self._failed = None, False, True


def _wanted() -> bool:
    return os.environ.get(SWITCH, "1") != "0" and (os.cpu_count() or 1) > 1 and os.name == "posix"


def serve(source: IO[bytes], answers: IO[bytes]) -> None:
    """The child: warm the extractor up, say so, then read pages until its input ends."""
    page_sentences(_WARM_UP, "https://example.org/")
    _send(answers, ("ready", None))
    while True:
        try:
            html, url = pickle.load(source)
        except (EOFError, OSError, pickle.PickleError):
            return
        try:
            answer: tuple[str, Any] = ("sentences", page_sentences(html, url))
        except Exception as error:  # the parent reads the page again and meets the error itself
            answer = ("error", repr(error))
        try:
            _send(answers, answer)
        except OSError:
            return


def _send(stream: IO[bytes], value: object) -> None:
    pickle.dump(value, stream, protocol=pickle.HIGHEST_PROTOCOL)
    stream.flush()


#: The one child of this process, shared by every run in it.
READER = PageReader()

atexit.register(READER.close)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=READER._forget)

if __name__ == "__main__":
    # The answers go out on a copy of standard output; what a library might print goes where stderr goes (nowhere).
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    serve(sys.stdin.buffer, answers)

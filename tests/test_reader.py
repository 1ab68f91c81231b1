"""The page reader: cited pages read by a child process give the sentences they give here, and a reader that is
busy, off or gone leaves the reading to the caller."""

from __future__ import annotations

import os
import time

import pytest

from verify import reader
from verify.reader import PageReader, page_sentences

FILLER = "<p>Residents asked about the ferry timetable. Officials promised an update in the spring.</p>\n" * 120
PAGE = (
    "<html><head><title>Harbour report</title></head><body><nav><a href='/'>Home</a></nav><article>"
    "<h1>Harbour report</h1><p>The council approved the harbour budget on Monday. It rose to 4 million dollars.</p>"
    f"{FILLER}</article><footer>Example News</footer></body></html>"
)
URL = "https://news.example/harbour"


def _ready(pages: PageReader, timeout: float = 30.0) -> PageReader:
    """The reader once its child answers (importing the extractor takes it a fraction of a second)."""
    deadline = time.monotonic() + timeout
    while not pages._usable():
        assert time.monotonic() < deadline, "the page reader's child never said it was ready"
        time.sleep(0.02)
    return pages


@pytest.fixture
def pages(monkeypatch: pytest.MonkeyPatch) -> PageReader:
    monkeypatch.setattr(os, "cpu_count", lambda: 2)  # a one-core machine starts no child
    started = PageReader()
    started.start()
    yield _ready(started)
    started.close()


def test_a_page_read_by_the_child_has_the_sentences_it_has_here(pages: PageReader) -> None:
    here = page_sentences(PAGE, URL)
    assert here[:2] == ("The council approved the harbour budget on Monday.", "It rose to 4 million dollars.")
    assert pages.read(PAGE, URL) == here
    assert pages.read(PAGE.encode(), URL) == here  # a page's raw bytes too


def test_a_short_page_is_left_to_the_caller(pages: PageReader) -> None:
    # Sending a page of a few KB costs about what reading it does.
    short = "<html><body><article><p>The council met on Monday.</p></article></body></html>"
    assert len(short) < reader.MIN_SIZE <= len(PAGE)
    assert pages.read(short, URL) is None


def test_a_busy_reader_leaves_the_page_to_the_caller(pages: PageReader) -> None:
    with pages._busy:
        assert pages.read(PAGE, URL) is None
    assert pages.read(PAGE, URL) is not None


def test_a_reader_whose_child_died_leaves_every_page_to_the_caller(pages: PageReader) -> None:
    assert pages._process is not None
    pages._process.kill()
    pages._process.wait()
    assert pages.read(PAGE, URL) is None
    pages.start()  # a reader that failed is not started again
    assert pages.read(PAGE, URL) is None and pages._process is None


def test_the_child_is_out_of_reach_of_ctrl_c_at_the_terminal(pages: PageReader) -> None:
    # Its own session: the terminal's SIGINT goes to this process's group only, and the run stops the child.
    assert pages._process is not None
    assert os.getsid(pages._process.pid) != os.getsid(0)


def test_the_switch_keeps_every_reading_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(reader.SWITCH, "0")
    off = PageReader()
    off.start()
    assert off._process is None and off.read(PAGE, URL) is None


def test_a_one_core_machine_starts_no_child(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    alone = PageReader()
    alone.start()
    assert alone._process is None


def test_a_page_the_child_cannot_read_is_left_to_the_caller(pages: PageReader) -> None:
    # The caller reads it again and meets the error itself; the child reads the next page.
    assert pages.read(b"\xff" * reader.MIN_SIZE + b"<p>", 12345) is None  # type: ignore[arg-type]
    assert pages.read(PAGE, URL) == page_sentences(PAGE, URL)


def test_a_forked_copy_of_the_process_reads_pages_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    # The child and its pipes are the parent's: a copy that used them would mix its pages with the parent's.
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    reader.READER.start()
    _ready(reader.READER)
    pid = os.fork()
    if pid == 0:  # the copy
        os._exit(0 if reader.READER._process is None and reader.READER.read(PAGE, URL) is None else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert reader.READER.read(PAGE, URL) == page_sentences(PAGE, URL)  # the parent's child is untouched


def test_a_batch_worker_process_starts_no_page_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    # --jobs N replays in N worker processes, which use every core already.
    import signal

    from verify import batch

    monkeypatch.setattr(signal, "signal", lambda *args: None)
    monkeypatch.setenv(reader.SWITCH, "1")
    batch._start_worker()
    assert os.environ[reader.SWITCH] == "0"


def test_closing_the_reader_in_the_middle_of_a_page_stops_the_child_at_once(pages: PageReader) -> None:
    # A run that ends (its time limit spent) while the child reads a long page does not wait for the page.
    import threading

    long_page = PAGE.replace(FILLER, FILLER * 100)  # about 1 MB: seconds of reading
    answers: list[object] = []
    reading = threading.Thread(target=lambda: answers.append(pages.read(long_page, URL)))
    reading.start()
    deadline = time.monotonic() + 10
    while not pages._busy.locked():
        assert time.monotonic() < deadline
        time.sleep(0.005)
    started = time.monotonic()
    pages.close()
    reading.join(timeout=10)
    assert not reading.is_alive() and answers == [None]
    assert time.monotonic() - started < 2

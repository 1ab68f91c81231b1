"""A small fictional web with its own Wayback Machine, described by a YAML manifest.

It answers live pages (with redirects, errors and soft 404s), the Wayback CDX API (`/cdx/search/cdx`, JSON output,
`closest`/`sort`/`limit`/`filter`/`fl`), the availability API (`/wayback/available`) and raw captures (`/web/<ts>id_/`)
in the shapes and headers the real services use. The cassette composer (`tools/compose_cassettes.py`) and the speed
benchmark's loopback server (`bench/`) both serve from it, so tests, demo cassettes and benchmarks see one web.

Manifest (YAML)::

    archive: https://web.archive.org          # where the Wayback endpoints live
    pages:
      https://news.example/a:
        live:                                   # answers in turn; the last one repeats
          - {status: 200, file: news.example/a.html}
        captures:                               # what the archive holds
          - {timestamp: "20240312101500", file: news.example/a.html}
          - {timestamp: "20240301000000", status: 302, location: https://news.example/}
        cdx: [429]                              # the CDX API's first answers for this URL, before the real one
        mementos:                               # what other archives hold, listed by the Memento aggregator
          - {uri: "https://arquivo.pt/wayback/20240301101500/https://news.example/a", file: news.example/a.html}
        save: {job_id: spn2-0123abcd, timestamp: "20261120093012", polls: 1, file: news.example/a.html}

The Memento aggregator (`aggregator:`, default Time Travel's ``/timemap/link/``) answers a TimeMap in link format
(RFC 7089) listing the page's Wayback captures and its `mementos`, or 404 when it knows none. A memento's URI-M
answers the page as the archive replays it (a banner added); its ``id_`` form (pywb, OpenWayback) the raw page,
both with the Memento headers (``Memento-Datetime``, ``Link``). Save Page Now: ``POST <archive>/save`` answers
``{"url", "job_id"}`` for a page with `save` (else an error without job); ``GET <archive>/save/status/<job_id>``
answers ``pending`` `polls` times, then ``success`` with the timestamp; the capture is then served raw at
``<archive>/web/<timestamp>id_/<url>`` (never listed by CDX: it is new).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import yaml

STATUS_TEXT = {
    200: "OK",
    301: "Moved Permanently",
    302: "Found",
    403: "Forbidden",
    404: "Not Found",
    410: "Gone",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}

# A fixed clock, so composed cassettes do not change from one composition to the next.
SERVED_AT = dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.timezone.utc)


@dataclass(frozen=True)
class Answer:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes

    @property
    def reason(self) -> str:
        return STATUS_TEXT.get(self.status, "Unknown")


TIME_TRAVEL = "http://timetravel.mementoweb.org/timemap/link/"


@dataclass
class FakeWeb:
    root: Path
    archive: str
    pages: dict[str, dict[str, Any]]
    aggregator: str = TIME_TRAVEL
    served: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def load(cls, manifest: Path) -> FakeWeb:
        data = yaml.safe_load(manifest.read_text(encoding="utf-8"))
        archive = data.get("archive", "https://web.archive.org").rstrip("/")
        return cls(manifest.parent, archive, data["pages"], data.get("aggregator", TIME_TRAVEL))

    # ----------------------------------------------------------------------------------------------------------

    def answer(self, url: str, method: str = "GET", body: bytes | str | None = None) -> Answer:
        """What the fictional web answers to a request for `url` (a GET unless `method` says otherwise)."""
        if method == "POST":
            if url == self.archive + "/save":
                return self._save(parse_qs(body.decode() if isinstance(body, bytes) else body or ""))
            return self._html(405, "<html><body><h1>Method Not Allowed</h1></body></html>")
        if url.startswith(self.aggregator):
            return self._timemap(url[len(self.aggregator) :])
        memento = self._memento(url)
        if memento is not None:
            return memento
        if url.startswith(self.archive + "/"):
            return self._archive(url[len(self.archive) :])
        page = self._page(url)
        if page is None or not page.get("live"):
            return self._html(404, "<html><head><title>Not Found</title></head><body><h1>Not Found</h1></body></html>")
        answers = page["live"]
        index = self._next(f"live {url}")
        return self._build(answers[min(index, len(answers) - 1)])

    def _page(self, url: str) -> dict[str, Any] | None:
        return self.pages.get(url) or self.pages.get(url.rstrip("/")) or self.pages.get(url + "/")

    def _next(self, key: str) -> int:
        with self.lock:
            index = self.served.get(key, 0)
            self.served[key] = index + 1
        return index

    def _build(self, spec: dict[str, Any], extra: tuple[tuple[str, str], ...] = ()) -> Answer:
        status = int(spec.get("status", 200))
        headers: list[tuple[str, str]] = []
        if "location" in spec:
            headers.append(("Location", spec["location"]))
        body = (self.root / spec["file"]).read_bytes() if "file" in spec else str(spec.get("body", "")).encode()
        content_type = spec.get("content_type", "text/html; charset=utf-8")
        return self._with_common(status, content_type, body, (*headers, *extra))

    def _html(self, status: int, html: str) -> Answer:
        return self._with_common(status, "text/html; charset=utf-8", html.encode(), ())

    def _with_common(self, status: int, content_type: str, body: bytes, extra: tuple[tuple[str, str], ...]) -> Answer:
        headers = (
            ("Date", email.utils.format_datetime(SERVED_AT, usegmt=True)),
            ("Server", "nginx"),
            ("Content-Type", content_type),
            ("Content-Length", str(len(body))),
            *extra,
        )
        return Answer(status, headers, body)

    # ----------------------------------------------------------------------------------------------------------
    # The Wayback Machine

    def _archive(self, path_and_query: str) -> Answer:
        parts = urlsplit(path_and_query)
        query = parse_qs(parts.query)
        if parts.path == "/cdx/search/cdx":
            return self._cdx(query)
        if parts.path == "/wayback/available":
            return self._available(query)
        if parts.path.startswith("/save/status/"):
            return self._save_status(parts.path[len("/save/status/") :])
        raw = re.match(r"/web/(\d{14})(id_)?/(.+)", path_and_query)
        if raw:
            return self._capture(raw.group(1), raw.group(3))
        return self._html(404, "<html><body><p>Wayback Machine: not found</p></body></html>")

    def _captures(self, url: str) -> list[dict[str, Any]]:
        page = self._page(url) or {}
        return sorted(page.get("captures", []), key=lambda c: str(c["timestamp"]))

    def _cdx(self, query: dict[str, list[str]]) -> Answer:
        url = query.get("url", [""])[0]
        page = self._page(url) or {}
        failures = page.get("cdx", [])
        index = self._next(f"cdx {url}")
        if index < len(failures):
            status = int(failures[index])
            body = f"<html><body><h1>{status} {STATUS_TEXT.get(status, '')}</h1></body></html>"
            return self._with_common(status, "text/html; charset=utf-8", body.encode(), ())
        fields = query.get("fl", ["urlkey,timestamp,original,mimetype,statuscode,digest,length"])[0].split(",")
        rows = [self._cdx_row(url, c) for c in self._captures(url)]
        for expression in query.get("filter", []):
            negate = expression.startswith("!")
            name, _, pattern = expression.lstrip("!").partition(":")
            rows = [r for r in rows if bool(re.fullmatch(pattern, str(r.get(name, "")))) != negate]
        closest = query.get("closest", [None])[0]
        if closest and query.get("sort", [""])[0] == "closest":
            target = _parse_ts(closest)
            rows.sort(key=lambda r: abs((_parse_ts(r["timestamp"]) - target).total_seconds()))
        limit = int(query.get("limit", ["0"])[0] or 0)
        if limit > 0:
            rows = rows[:limit]
        elif limit < 0:
            rows = rows[limit:]
        table: list[list[str]] = [fields, *[[str(r.get(f, "")) for f in fields] for r in rows]] if rows else []
        body = json.dumps(table).encode()
        return self._with_common(200, "application/json", body, ())

    def _cdx_row(self, url: str, capture: dict[str, Any]) -> dict[str, str]:
        status = int(capture.get("status", 200))
        host = urlsplit(url).hostname or ""
        key = ",".join(reversed(host.split("."))) + ")" + (urlsplit(url).path or "/")
        return {
            "urlkey": key,
            "timestamp": str(capture["timestamp"]),
            "original": url,
            "mimetype": "warc/revisit" if status in (301, 302) else capture.get("mimetype", "text/html"),
            "statuscode": str(status),
            "digest": capture.get("digest", "SHA1" + str(capture["timestamp"])),
            "length": str(capture.get("length", 2048)),
        }

    def _available(self, query: dict[str, list[str]]) -> Answer:
        url = query.get("url", [""])[0]
        captures = [c for c in self._captures(url) if int(c.get("status", 200)) < 400]
        data: dict[str, Any] = {"url": url, "archived_snapshots": {}}
        if captures:
            stamp = query.get("timestamp", [None])[0]
            chosen = captures[-1]
            if stamp:
                target = _parse_ts(stamp)
                chosen = min(captures, key=lambda c: abs((_parse_ts(str(c["timestamp"])) - target).total_seconds()))
            data["archived_snapshots"] = {
                "closest": {
                    "status": str(chosen.get("status", 200)),
                    "available": True,
                    "url": f"http://web.archive.org/web/{chosen['timestamp']}/{url}",
                    "timestamp": str(chosen["timestamp"]),
                }
            }
        return self._with_common(200, "application/json", json.dumps(data).encode(), ())

    def _capture(self, timestamp: str, url: str) -> Answer:
        saved = (self._page(url) or {}).get("save")
        captures = self._captures(url)
        if saved and self.served.get(f"status {saved['job_id']}", 0) > int(saved.get("polls", 0)):
            captures = [*captures, {"timestamp": saved["timestamp"], "file": saved["file"]}]
        for capture in captures:
            if str(capture["timestamp"]) == timestamp:
                when = _parse_ts(timestamp)
                status = int(capture.get("status", 200))
                extra: tuple[tuple[str, str], ...] = (
                    ("Memento-Datetime", email.utils.format_datetime(when, usegmt=True)),
                    ("Link", f'<{url}>; rel="original", <{self.archive}/web/timemap/link/{url}>; rel="timemap"'),
                    ("X-Archive-Src", f"spn2-{timestamp[:8]}-composed.warc.gz"),
                    ("X-Archive-Orig-Date", email.utils.format_datetime(when, usegmt=True)),
                    ("X-Ts", str(status)),
                )
                if "location" in capture:
                    extra = (*extra, ("Location", f"{self.archive}/web/{timestamp}id_/{capture['location']}"))
                return self._build({**capture, "status": status}, extra)
        return self._html(404, "<html><body><p>Wayback Machine has not archived that URL.</p></body></html>")

    # ----------------------------------------------------------------------------------------------------------
    # Save Page Now 2

    def _save(self, form: dict[str, list[str]]) -> Answer:
        url = form.get("url", [""])[0]
        saved = (self._page(url) or {}).get("save")
        if not saved:
            data = {
                "status": "error",
                "status_ext": "error:not-found",
                "message": f"Couldn't capture {url}: the target URL was not found.",
            }
        else:
            data = {"url": url, "job_id": saved["job_id"]}
        return self._with_common(200, "application/json", json.dumps(data).encode(), ())

    def _save_status(self, job_id: str) -> Answer:
        for url, page in self.pages.items():
            saved = page.get("save")
            if saved and saved["job_id"] == job_id:
                index = self._next(f"status {job_id}")
                if index < int(saved.get("polls", 0)):
                    data: dict[str, Any] = {"status": "pending", "job_id": job_id, "resources": [url]}
                else:
                    data = {
                        "status": "success",
                        "job_id": job_id,
                        "original_url": url,
                        "timestamp": saved["timestamp"],
                        "duration_sec": 6.2,
                        "resources": [url],
                        "outlinks": {},
                    }
                return self._with_common(200, "application/json", json.dumps(data).encode(), ())
        data = {"status": "error", "status_ext": "error:job-not-found", "message": "Job not found.", "job_id": job_id}
        return self._with_common(200, "application/json", json.dumps(data).encode(), ())

    # ----------------------------------------------------------------------------------------------------------
    # Memento: the aggregator's TimeMaps and other archives' mementos

    def _timemap(self, url: str) -> Answer:
        page = self._page(url) or {}
        entries = [
            (str(c["timestamp"]), f"{self.archive}/web/{c['timestamp']}/{url}")
            for c in self._captures(url)
            if int(c.get("status", 200)) < 300
        ]
        entries += [(_memento_ts(m["uri"]), m["uri"]) for m in page.get("mementos", [])]
        if not entries:
            return self._html(404, "<html><body><h1>Not Found</h1><p>No mementos.</p></body></html>")
        entries.sort()
        lines = [
            f'<{url}>; rel="original",',
            f'<{self.aggregator}{url}>; rel="self"; type="application/link-format"; '
            f'from="{_http_date(entries[0][0])}"; until="{_http_date(entries[-1][0])}",',
            f'<{self.aggregator.replace("/timemap/link/", "/timegate/")}{url}>; rel="timegate",',
        ]
        for number, (stamp, uri) in enumerate(entries):
            rel = "first memento" if number == 0 else "last memento" if number == len(entries) - 1 else "memento"
            if len(entries) == 1:
                rel = "first last memento"
            lines.append(f'<{uri}>; rel="{rel}"; datetime="{_http_date(stamp)}",')
        body = ("\n".join(lines).rstrip(",") + "\n").encode()
        return self._with_common(200, "application/link-format", body, ())

    def _memento(self, url: str) -> Answer | None:
        match = re.match(r"^(?P<prefix>https?://.+?)/(?P<ts>\d{14})(?P<raw>id_)?/(?P<uri>.+)$", url)
        if match is None or match["prefix"] == self.archive + "/web":
            return None
        replayed = f"{match['prefix']}/{match['ts']}/{match['uri']}"
        for page_url, page in self.pages.items():
            for memento in page.get("mementos", []):
                if memento["uri"] != replayed:
                    continue
                when = _parse_ts(match["ts"])
                extra = (
                    ("Memento-Datetime", email.utils.format_datetime(when, usegmt=True)),
                    (
                        "Link",
                        f'<{page_url}>; rel="original", <{match["prefix"]}/timemap/link/{page_url}>; '
                        f'rel="timemap"; type="application/link-format", <{replayed}>; rel="memento"; '
                        f'datetime="{_http_date(match["ts"])}"',
                    ),
                )
                answer = self._build({**memento, "status": int(memento.get("status", 200))}, extra)
                if match["raw"]:
                    return answer
                banner = f"<div id='archive-banner'>Archived page, {match['ts']}</div>".encode()
                body = answer.body.replace(b"<body>", b"<body>" + banner, 1)
                headers = tuple((k, str(len(body)) if k == "Content-Length" else v) for k, v in answer.headers)
                return Answer(answer.status, headers, body)
        return None


def _memento_ts(uri: str) -> str:
    match = re.search(r"/(\d{14})/", uri)
    return match.group(1) if match else "00000000000000"


def _http_date(stamp: str) -> str:
    return email.utils.format_datetime(_parse_ts(stamp), usegmt=True)


def _parse_ts(stamp: str) -> dt.datetime:
    digits = (stamp + "00000000000000")[:14]
    return dt.datetime.strptime(digits, "%Y%m%d%H%M%S").replace(tzinfo=dt.timezone.utc)

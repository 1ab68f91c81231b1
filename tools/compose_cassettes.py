"""Compose the demo articles' cassettes from the fictional web in tests/fixtures/demo_web/.

These machines have no internet, so the evidence of the demo articles cannot be recorded live. Instead the real
pipeline runs against the fictional web of `tests/fakeweb.py` (mounted as the HTTP session's transport), and every
request it makes is written, with the answer the fictional web gave, into `cassettes/<slug>.yaml` in vcrpy's format.
`verify check examples/demo/<article> --replay-only` then replays them through vcrpy like any recorded cassette.

    python tools/compose_cassettes.py            # every article in examples/demo/
    python tools/compose_cassettes.py --check    # fail if a cassette would change (CI)

Articles listed in `OPTIONS` are composed as `verify check` runs them with those options (`--archives
wayback,memento`, `--save`), and must be replayed with the same options.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
from pathlib import Path

import requests
from requests.adapters import BaseAdapter
from urllib3.response import HTTPResponse
from vcr.cassette import Cassette
from vcr.record_mode import RecordMode
from vcr.request import Request as VcrRequest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fakeweb import FakeWeb  # noqa: E402
from verify.archive import Archive, default_limiter  # noqa: E402
from verify.article import read_article  # noqa: E402
from verify.http import Http, HttpOptions, RateLimiter  # noqa: E402
from verify.memento import TIME_TRAVEL, HostLimiters, Memento, SavePageNow  # noqa: E402
from verify.pipeline import USER_AGENT, CheckOptions, check_article  # noqa: E402

DEMO = ROOT / "examples" / "demo"
#: The options a demo article is checked with beyond the defaults (the same flags replay it).
OPTIONS: dict[str, dict[str, bool]] = {
    "reading-room.md": {"memento": True},  # verify check ... --archives wayback,memento
    "tram-line.md": {"save": True},  # verify check ... --save
}
WEB = ROOT / "tests" / "fixtures" / "demo_web" / "web.yaml"


class FakeWebAdapter(BaseAdapter):
    """A requests transport that answers from the fictional web and keeps every exchange for the cassette."""

    def __init__(self, web: FakeWeb) -> None:
        super().__init__()
        self.web = web
        self.exchanges: list[tuple[VcrRequest, dict[str, object]]] = []

    def send(self, request: requests.PreparedRequest, **_: object) -> requests.Response:  # type: ignore[override]
        assert request.url is not None and request.method is not None
        answer = self.web.answer(request.url, request.method, request.body)
        headers = {
            name: value for name, value in request.headers.items() if name.lower() not in ("cookie", "authorization")
        }
        recorded_request = VcrRequest(request.method, request.url, request.body, headers)
        recorded_response: dict[str, object] = {
            "status": {"code": answer.status, "message": answer.reason},
            "headers": {name: [value] for name, value in answer.headers},
            "body": {"string": answer.body},
        }
        self.exchanges.append((recorded_request, recorded_response))
        raw = HTTPResponse(
            body=io.BytesIO(answer.body),
            headers=dict(answer.headers),
            status=answer.status,
            reason=answer.reason,
            preload_content=False,
            decode_content=False,
        )
        response = requests.Response()
        response.status_code = answer.status
        response.reason = answer.reason
        response.headers = requests.structures.CaseInsensitiveDict(dict(answer.headers))
        response.raw = raw
        response.url = request.url
        response.request = request
        response.encoding = requests.utils.get_encoding_from_headers(response.headers)
        return response

    def close(self) -> None:
        pass


def compose(article_path: Path, cassette_dir: Path) -> Path:
    web = FakeWeb.load(WEB)
    adapter = FakeWebAdapter(web)
    http = Http(HttpOptions(user_agent=USER_AGENT, backoff=0.01))
    # In place of the network: Http's own transport would connect; this one answers from the fictional web.
    http.session.mount("http://", adapter)
    http.session.mount("https://", adapter)
    options = OPTIONS.get(article_path.name, {})
    # No waiting in a composition: nothing real is asked (the real limits are Memento's and SavePageNow's defaults).
    memento = Memento(http, TIME_TRAVEL, HostLimiters(unlimited=True)) if options.get("memento") else None
    saver = (
        SavePageNow(http, poll_every=0.0, save_limiter=RateLimiter(1e9, burst=10**6)) if options.get("save") else None
    )
    archive = Archive(http, limiter=default_limiter(), memento=memento, saver=saver)
    article = read_article(article_path)
    # One request at a time, so the cassette lists them in an order that does not vary between compositions.
    check_article(article, http, archive, CheckOptions(concurrency=1))
    path = cassette_dir / f"{article.slug}.yaml"
    if path.exists():
        path.unlink()
    cassette = Cassette.load(path=str(path), record_mode=RecordMode.ALL)
    for request, response in adapter.exchanges:
        cassette.append(request, response)
    cassette._save(force=True)
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("articles", nargs="*", type=Path, help="demo articles (default: all of examples/demo/)")
    parser.add_argument("--check", action="store_true", help="compose into a temporary folder and compare")
    args = parser.parse_args()
    articles = args.articles or sorted(DEMO.glob("*.md"))
    target = ROOT / "cassettes"
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) if args.check else target
        changed = []
        for article in articles:
            path = compose(article, out)
            print(f"{article.resolve().relative_to(ROOT)} -> {path.name} ({len(path.read_bytes()):,} bytes)")
            if args.check and path.read_bytes() != (target / path.name).read_bytes():
                changed.append(path.name)
        if changed:
            print(
                f"cassettes out of date: {', '.join(changed)}; run python tools/compose_cassettes.py", file=sys.stderr
            )
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

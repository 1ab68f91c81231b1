"""Compose the cassettes of tests/test_http.py (no live recording was possible; see cassettes/README.md).

Run from the repository root: `python cassettes/test_http/compose.py`. Each cassette is named after its test and
holds realistic response shapes (Date, Server, Content-Type with charset, Content-Length, Location, ...).
Hosts are reserved names only (news.example, example.com, example.org).
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path
from typing import Any

import brotli
import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from tests.faultserver import RUSSIAN, minimal_pdf  # noqa: E402

DATE = "Tue, 04 Feb 2020 10:12:31 GMT"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000105fe0dd0a70000000049454e44ae426082"
)


def page(title: str, body: str, lang: str = "en") -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n<title>{title}</title>\n'
        f'<link rel="canonical" href="https://news.example/">\n</head>\n<body>\n<header><a href="/">News</a></header>\n'
        f"<main>\n<h1>{title}</h1>\n{body}\n</main>\n<footer>&copy; 2020 News Example</footer>\n</body>\n</html>\n"
    )


ARTICLE = page(
    "Harbour bridge reopens after repairs",
    "<p>The harbour bridge reopened on Monday after 40 days of repairs, the city council said.</p>\n"
    "<p>Traffic is expected to return to normal by the weekend.</p>",
)


def response(
    status: int,
    message: str,
    body: bytes | str = b"",
    content_type: str | None = "text/html; charset=utf-8",
    server: str = "nginx",
    **extra: str,
) -> dict[str, Any]:
    data = body.encode() if isinstance(body, str) else body
    stored: str | bytes = body  # text stays readable in the YAML; bytes become !!binary
    headers: dict[str, list[str]] = {"Date": [DATE], "Server": [server]}
    if content_type is not None:
        headers["Content-Type"] = [content_type]
    headers["Content-Length"] = [extra.pop("Content_Length", str(len(data)))]
    for name, value in extra.items():
        headers[name.replace("_", "-")] = [value]
    return {"status": {"code": status, "message": message}, "headers": headers, "body": {"string": stored}}


def interaction(url: str, reply: dict[str, Any]) -> dict[str, Any]:
    request = {
        "method": "GET",
        "uri": url,
        "body": None,
        "headers": {
            "User-Agent": ["verify/0.1.0 (+https://example.org/verify)"],
            "Accept-Encoding": ["gzip, deflate, br"],
            "Accept": ["text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"],
            "Connection": ["keep-alive"],
        },
    }
    return {"request": request, "response": reply}


A = "https://news.example/2020/02/04/harbour-bridge-reopens"
NOT_FOUND_PAGE = page("Page not found", "<p>Sorry, we couldn't find that page.</p>")
CHALLENGE = (
    "<!DOCTYPE html><html lang=\"en-US\"><head><title>Just a moment...</title></head>"
    "<body><noscript>Enable JavaScript and cookies to continue</noscript></body></html>"
)

CASSETTES: dict[str, list[dict[str, Any]]] = {
    "test_article_page_is_ok": [interaction(A, response(200, "OK", ARTICLE, Cache_Control="max-age=300"))],
    "test_redirects_are_followed_hop_by_hop": [
        interaction(
            "http://news.example/2020/02/04/harbour-bridge-reopens",
            response(301, "Moved Permanently", "", Location=A),
        ),
        interaction(A, response(302, "Found", "", Location="/2020/02/04/harbour-bridge-reopens/")),
        interaction(A + "/", response(200, "OK", ARTICLE)),
    ],
    "test_http_error_status_is_its_outcome[404-dead]": [
        interaction(A, response(404, "Not Found", NOT_FOUND_PAGE)),
    ],
    "test_http_error_status_is_its_outcome[410-dead]": [
        interaction(A, response(410, "Gone", page("Gone", "<p>This article was removed.</p>"))),
    ],
    "test_http_error_status_is_its_outcome[403-blocked]": [
        interaction(A, response(403, "Forbidden", page("403 Forbidden", "<p>Access denied.</p>"))),
    ],
    "test_http_error_status_is_its_outcome[451-blocked]": [
        interaction(
            A,
            response(451, "Unavailable For Legal Reasons", page("Unavailable", "<p>Not available in your region.</p>")),
        ),
    ],
    "test_challenge_page_is_blocked_not_retried": [
        interaction(
            A,
            response(
                503,
                "Service Unavailable",
                CHALLENGE,
                server="cloudflare",
                cf_mitigated="challenge",
                CF_RAY="7d1c2a3b4c5d6e7f-AMS",
            ),
        ),
    ],
    "test_200_page_saying_not_found_is_soft_404": [interaction(A, response(200, "OK", NOT_FOUND_PAGE))],
    "test_deep_link_redirected_to_home_page_is_soft_404": [
        interaction(A, response(302, "Found", "", Location="https://news.example/")),
        interaction("https://news.example/", response(200, "OK", page("News Example", "<p>Top stories</p>"))),
    ],
    "test_429_on_every_try_is_rate_limited": [
        interaction(A, response(429, "Too Many Requests", page("Too Many Requests", "<p>Slow down.</p>")))
        for _ in range(4)
    ],
    "test_retry_after_longer_than_we_wait_ends_at_once": [
        interaction(
            A, response(429, "Too Many Requests", "Rate limited", "text/plain; charset=utf-8", Retry_After="3600")
        ),
    ],
    "test_persistent_server_error_is_unreachable": [
        interaction(A, response(503, "Service Unavailable", page("Service Unavailable", "<p>Back soon.</p>")))
        for _ in range(4)
    ],
    "test_pdf_is_not_html_with_its_text": [
        interaction(
            "https://example.org/reports/2020-q1.pdf",
            response(200, "OK", minimal_pdf("Exports rose 40 percent in the first quarter"), "application/pdf"),
        ),
    ],
    "test_image_is_not_html_and_unverifiable": [
        interaction("https://example.com/photo.png", response(200, "OK", PNG, "image/png", server="AmazonS3")),
    ],
    "test_declared_length_over_the_cap_is_too_large": [
        interaction(
            "https://example.com/dump.html",
            response(200, "OK", "<html><body>truncated</body></html>", Content_Length="2000000000"),
        ),
    ],
    "test_compressed_bodies_are_decoded[gzip]": [
        interaction(A, response(200, "OK", gzip.compress(ARTICLE.encode()), Content_Encoding="gzip", Vary="Accept-Encoding")),
    ],
    "test_compressed_bodies_are_decoded[br]": [
        interaction(A, response(200, "OK", brotli.compress(ARTICLE.encode()), Content_Encoding="br", Vary="Accept-Encoding")),
    ],
    "test_wrongly_declared_charset_is_detected": [
        interaction(
            "https://news.example/ru/2020/02/04/talks",
            response(
                200,
                "OK",
                f"<html><head><title>Переговоры</title></head><body><p>{RUSSIAN}</p></body></html>".encode("cp1251"),
            ),
        ),
    ],
    "test_redirect_to_metadata_address_is_refused": [
        interaction(A, response(302, "Found", "", Location="http://169.254.169.254/latest/meta-data/iam/")),
    ],
    "test_request_missing_from_cassette_is_unreachable": [interaction(A, response(200, "OK", ARTICLE))],
}


def _block_text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style="|" if "\n" in text else None)


def main() -> None:
    yaml.SafeDumper.add_representer(str, _block_text)
    for name, interactions in CASSETTES.items():
        path = HERE / f"{name}.yaml"
        path.write_text(yaml.safe_dump({"interactions": interactions, "version": 1}, sort_keys=False, allow_unicode=True))
        print(path.relative_to(HERE.parent.parent))


if __name__ == "__main__":
    main()

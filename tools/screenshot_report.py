"""Render a report's Markdown the way GitHub does, as closely as practical, and screenshot it with headless Chromium.

GitHub renders Markdown with cmark-gfm (tables, autolinks, strikethrough, task lists, tag filter) and then drops any
raw HTML its sanitiser does not allow. `cmarkgfm` is that same C library; its safe mode drops all raw HTML, which is
stricter than GitHub, so anything a report relies on raw HTML for would show up missing here. The page is wrapped in
CSS close to GitHub's Markdown body, so a reviewer sees what a reader of the report on GitHub sees.

    python tools/screenshot_report.py reports/harbour-bridge.md                  # -> reports/harbour-bridge.png
    python tools/screenshot_report.py reports/injection.md -o docs/screenshot.png --height 4000
    python tools/screenshot_report.py reports/injection.md --html-only           # -> reports/injection.html

Needs `cmarkgfm` (pip install -e '.[dev]') and Chromium (Debian: apt-get install chromium), plus a colour emoji font
for the label icons (Debian: apt-get install fonts-noto-color-emoji; without one they show as empty boxes).
"""

from __future__ import annotations

import argparse
import html
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

CSS = """
body { margin: 0; background: #fff; }
.markdown-body {
  box-sizing: border-box; max-width: 1012px; margin: 0 auto; padding: 32px;
  font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif,
    "Apple Color Emoji", "Segoe UI Emoji", "Noto Color Emoji";
  font-size: 16px; line-height: 1.5; color: #1f2328; word-wrap: break-word;
}
.markdown-body h1, .markdown-body h2 {
  padding-bottom: .3em; border-bottom: 1px solid #d1d9e0b3; margin-top: 24px; margin-bottom: 16px; font-weight: 600;
  line-height: 1.25;
}
.markdown-body h1 { font-size: 2em; }
.markdown-body h2 { font-size: 1.5em; }
.markdown-body h3 { font-size: 1.25em; margin-top: 24px; margin-bottom: 16px; font-weight: 600; line-height: 1.25; }
.markdown-body p, .markdown-body blockquote, .markdown-body ul, .markdown-body table { margin-top: 0; margin-bottom: 16px; }
.markdown-body a { color: #0969da; text-decoration: none; }
.markdown-body a:hover { text-decoration: underline; }
.markdown-body blockquote { padding: 0 1em; color: #59636e; border-left: .25em solid #d1d9e0; margin-left: 0; }
.markdown-body code {
  padding: .2em .4em; margin: 0; font-size: 85%; white-space: break-spaces; background-color: #818b981f;
  border-radius: 6px; font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace;
}
.markdown-body table { border-spacing: 0; border-collapse: collapse; display: block; width: max-content;
  max-width: 100%; overflow: auto; }
.markdown-body table th { font-weight: 600; }
.markdown-body table th, .markdown-body table td { padding: 6px 13px; border: 1px solid #d1d9e0; }
.markdown-body table tr { background-color: #fff; border-top: 1px solid #d1d9e0b3; }
.markdown-body table tr:nth-child(2n) { background-color: #f6f8fa; }
.markdown-body hr { height: .25em; padding: 0; margin: 24px 0; background-color: #d1d9e0; border: 0; }
.markdown-body ul { padding-left: 2em; }
"""


def render_html(markdown: str, title: str) -> str:
    """The report as a standalone HTML page: cmark-gfm with GitHub's extensions, raw HTML dropped, GitHub-like CSS."""
    try:
        import cmarkgfm
    except ImportError:
        raise SystemExit(
            "screenshot_report: needs cmarkgfm (pip install -e '.[dev]' or pip install cmarkgfm)"
        ) from None
    body = cmarkgfm.github_flavored_markdown_to_html(markdown)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{CSS}</style></head>\n"
        f'<body><article class="markdown-body">\n{body}</article></body></html>\n'
    )


def find_chromium() -> str | None:
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def screenshot(page: Path, png: Path, width: int, height: int, chromium: str) -> None:
    with tempfile.TemporaryDirectory(prefix="screenshot-profile-") as profile:
        command = [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
            f"--screenshot={png.resolve()}",
            f"--window-size={width},{height}",
            page.resolve().as_uri(),
        ]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    if result.returncode != 0 or not png.exists():
        tail = "\n".join(result.stderr.strip().splitlines()[-5:])
        raise SystemExit(f"screenshot_report: Chromium failed (exit {result.returncode}):\n{tail}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("report", type=Path, help="a report's Markdown, e.g. reports/harbour-bridge.md")
    parser.add_argument("-o", "--out", type=Path, help="the PNG to write (default: beside the report)")
    parser.add_argument("--width", type=int, default=1200)
    parser.add_argument("--height", type=int, default=2400, help="window height; the page below it is cut off")
    parser.add_argument("--html-only", action="store_true", help="write the HTML page beside the report, no PNG")
    args = parser.parse_args()

    markdown = args.report.read_text(encoding="utf-8")
    page_html = render_html(markdown, args.report.name)
    if args.html_only:
        page = args.report.with_suffix(".html")
        page.write_text(page_html, encoding="utf-8")
        print(page)
        return 0
    chromium = find_chromium()
    if chromium is None:
        print(
            "screenshot_report: no Chromium found (looked for "
            f"{', '.join(CHROMIUM_NAMES)}); install it (Debian: apt-get install -y chromium) or use --html-only",
            file=sys.stderr,
        )
        return 2
    png = args.out or args.report.with_suffix(".png")
    with tempfile.TemporaryDirectory(prefix="screenshot-page-") as scratch:
        page = Path(scratch) / "report.html"
        page.write_text(page_html, encoding="utf-8")
        screenshot(page, png, args.width, args.height, chromium)
    print(f"{args.report} -> {png} ({args.width}x{args.height})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

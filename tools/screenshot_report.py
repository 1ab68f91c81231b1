"""Screenshots of a report as readers see it: its Markdown rendered the way GitHub does, and its HTML page, each at a
desktop and a phone width, made with headless Chromium.

GitHub renders Markdown with cmark-gfm (tables, autolinks, strikethrough, task lists, tag filter) and then drops any
raw HTML its sanitiser does not allow. `cmarkgfm` is that same C library; its safe mode drops all raw HTML, which is
stricter than GitHub, so anything a report relied on raw HTML for would show up missing here. The page is wrapped in
CSS close to GitHub's Markdown body. The HTML report (`reports/<slug>.html`) is shown as it is.

    python tools/screenshot_report.py                      # the demo, replayed, -> docs/report-{markdown,html}-{desktop,phone}.png
    python tools/screenshot_report.py reports/injection.md -o /tmp/shots   # a report already written, its .html beside it
    python tools/screenshot_report.py reports/injection.md --html-only     # -> reports/injection.rendered.html, no PNG

Needs `cmarkgfm` (pip install -e '.[dev]') and Chromium (Debian: apt-get install -y chromium), plus a colour emoji font
for the Markdown's label icons (Debian: apt-get install -y fonts-noto-color-emoji; without one they show as boxes).
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
@media (max-width: 767px) { .markdown-body { padding: 16px; } .markdown-body h1 { font-size: 1.6em; } }
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


def screenshot(page: Path, png: Path, width: int, height: int, chromium: str, scale: int = 1) -> None:
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
            f"--force-device-scale-factor={scale}",
            page.resolve().as_uri(),
        ]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    if result.returncode != 0 or not png.exists():
        tail = "\n".join(result.stderr.strip().splitlines()[-5:])
        raise SystemExit(f"screenshot_report: Chromium failed (exit {result.returncode}):\n{tail}")


# Window sizes in CSS pixels, and the device pixel ratio: a desktop browser, and a phone (390 wide, as an iPhone 14).
WIDTHS = {"desktop": (1280, 2200, 1), "phone": (390, 1800, 2)}
ROOT = Path(__file__).resolve().parent.parent


def demo_report(out: Path) -> Path:
    """The demo article replayed from its cassette (no network) into `out`: its Markdown report's path."""
    command = [sys.executable, "-m", "verify", "check", "examples/demo/harbour-bridge.md", "--replay-only"]
    command += ["--fail-on", "never", "--out", str(out)]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"screenshot_report: verify check failed (exit {result.returncode}):\n{result.stderr}")
    return out / "harbour-bridge.md"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("report", type=Path, nargs="?", help="a report's Markdown (default: the demo, replayed)")
    parser.add_argument("-o", "--out", type=Path, default=ROOT / "docs", help="folder for the PNGs (default: docs/)")
    parser.add_argument("--html-only", action="store_true", help="write the rendered Markdown page beside it, no PNG")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="screenshot-") as scratch:
        report = args.report or demo_report(Path(scratch) / "reports")
        markdown = report.read_text(encoding="utf-8")
        rendered = render_html(markdown, report.name)
        if args.html_only:
            page = report.with_suffix(".rendered.html")
            page.write_text(rendered, encoding="utf-8")
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
        rendered_page = Path(scratch) / "markdown.html"
        rendered_page.write_text(rendered, encoding="utf-8")
        pages = {"markdown": rendered_page, "html": report.with_suffix(".html")}
        if not pages["html"].exists():
            print(
                f"screenshot_report: {pages['html']} is missing (verify check writes it beside the .md)",
                file=sys.stderr,
            )
            return 2
        args.out.mkdir(parents=True, exist_ok=True)
        for kind, page in pages.items():
            for device, (width, height, scale) in WIDTHS.items():
                png = args.out / f"report-{kind}-{device}.png"
                screenshot(page, png, width, height, chromium, scale)
                print(f"{report.name} ({kind}) -> {png} ({width}x{height} CSS px, x{scale})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

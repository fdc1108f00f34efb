"""HTML to PDF with WeasyPrint, the bundled fonts and nothing fetched: the one place the app
calls WeasyPrint. Imports no Django, so `pdf_process` can run it in a small child process
of its own (ADR 0049); `rendering.render_html_pdf` calls it in the process or there.

WeasyPrint is imported by the first render, not when this module is imported (ADR 0043)."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher

FONTS_DIR = Path(__file__).resolve().parent / "fonts"
FONT_FILES = {
    "serif_regular": FONTS_DIR / "NotoSerif-Regular.ttf",
    "serif_bold": FONTS_DIR / "NotoSerif-Bold.ttf",
    "serif_italic": FONTS_DIR / "NotoSerif-Italic.ttf",
    "sans_regular": FONTS_DIR / "NotoSans-Regular.ttf",
    "sans_bold": FONTS_DIR / "NotoSans-Bold.ttf",
}


def html_to_pdf(html: str) -> bytes:
    """A complete HTML document as a PDF with the bundled fonts; nothing else is fetched.
    Same HTML → same bytes (the PDF's /ID is a hash of the HTML)."""
    from weasyprint import HTML

    identifier = hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode("ascii")
    document = HTML(string=html, base_url=FONTS_DIR.as_uri() + "/", url_fetcher=_fetcher())
    pdf = document.write_pdf(font_config=_font_config(), pdf_identifier=identifier)
    assert isinstance(pdf, bytes)
    return pdf


def local_only_fetcher() -> URLFetcher:
    """A fetcher that lets WeasyPrint read the bundled fonts and ``data:`` URIs, nothing
    else (its class is made on first use, with WeasyPrint)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class _LocalOnlyFetcher(URLFetcher):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__(fail_on_errors=True)
            self._allowed = {path.as_uri() for path in FONT_FILES.values()}

        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            if url.startswith("data:") or url in self._allowed:
                return super().fetch(url, headers)
            raise ValueError(f"documents: refusing to load {url!r}")

    return _LocalOnlyFetcher()


_local = threading.local()


def _fetcher() -> URLFetcher:
    fetcher = getattr(_local, "fetcher", None)
    if fetcher is None:
        fetcher = _local.fetcher = local_only_fetcher()
    return fetcher


def _font_config() -> FontConfiguration:
    """One FontConfiguration per thread: loading the @font-face files once, not per form.
    WeasyPrint keys the loaded faces by their descriptors, so reuse gives the same output."""
    config = getattr(_local, "font_config", None)
    if config is None:
        from weasyprint.text.fonts import FontConfiguration

        config = _local.font_config = FontConfiguration()
    return config

"""QR codes (segno) and Code 128 barcodes (python-barcode) as standalone SVG text.

Both functions return one ``<svg xmlns=…>`` element without an XML declaration, so the text can
be placed inline in HTML or turned into a ``data:image/svg+xml`` URI. Both are deterministic:
the same input gives the same text. They size the drawing with a ``viewBox`` (QR) or in
millimetres (Code 128); the templates set the printed size.
"""

from __future__ import annotations

import base64
import io
import re

# segno and python-barcode (which imports Pillow) are imported by the first drawing, not by
# every web worker (docs/adr/0043).

# Code 128 geometry. 0.35 mm per module: a rendered page decodes (zbar) at 150, 200, 250 and
# 300 dpi for every dossier-code format (0.25 mm failed at 150/200 dpi, 0.3–0.33 mm at 150 dpi);
# a 21–26 character code is 92–112 mm wide. The quiet zone is the 10 modules the standard asks for.
CODE128_MODULE_MM = 0.35
CODE128_HEIGHT_MM = 9.0
CODE128_QUIET_ZONE_MM = 10 * CODE128_MODULE_MM

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>\s*")
_XML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def qr_svg(url: str) -> str:
    """A QR code of ``url`` (error correction M, 4-module quiet zone) as an SVG element with a
    ``viewBox`` and no fixed size."""
    if not url:
        raise ValueError("qr_svg needs a non-empty URL")
    import segno

    qr = segno.make(url, error="m", micro=False)
    out = io.BytesIO()
    qr.save(out, kind="svg", xmldecl=False, svgns=True, nl=False, omitsize=True, border=4)
    svg = out.getvalue().decode("utf-8")
    # Keep the modules square and sharp when scaled.
    return svg.replace("<svg ", '<svg shape-rendering="crispEdges" ', 1)


def code128_svg(code: str) -> str:
    """A Code 128 barcode of ``code`` (bars only: the templates print the human-readable code
    under it as real text) as an SVG element sized in millimetres."""
    if not code:
        raise ValueError("code128_svg needs a non-empty code")
    import barcode
    from barcode.writer import SVGWriter

    symbol = barcode.get("code128", code, writer=SVGWriter())
    raw = symbol.render(
        {
            "module_width": CODE128_MODULE_MM,
            "module_height": CODE128_HEIGHT_MM,
            "quiet_zone": CODE128_QUIET_ZONE_MM,
            "write_text": False,
            "text_distance": 0,
            "margin_top": 0,
            "margin_bottom": 0,
            "with_doctype": False,
            "compress": True,  # compact XML (the writer gzips only when saving to a file)
        }
    )
    svg = raw.decode("utf-8") if isinstance(raw, bytes) else str(raw)
    svg = _XML_COMMENT.sub("", _XML_DECLARATION.sub("", svg))
    return svg.replace("<svg ", '<svg shape-rendering="crispEdges" ', 1)


def svg_data_uri(svg: str) -> str:
    """``data:image/svg+xml;base64,…`` for an ``<img src>``."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")

"""Receipts (Mẫu 01) rendered per second, warm, in one process and one thread.

Measures `render_form` end to end (Django template → WeasyPrint → PDF bytes, with the QR code
and the Code 128 barcode made fresh for each receipt, each with its own dossier code), and,
for context, `render_form_html` alone (the template and the two SVGs, no PDF).

    .venv/bin/python -m bench.documents_render      # standalone, from the repository root
    from bench import documents_render; documents_render.run()   # after django.setup()

There is no target in DESIGN.md §5 for this figure; receipts are rendered after commit as a
job, so the rate tells how many worker processes a desk load needs.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import statistics
import time
from zoneinfo import ZoneInfo

from motcua.documents.data import AgencyHeader, Applicant, DocumentItem, FormKind, ReceiptData

N = 60  # warm renders timed (≥ 50)
WARMUP = 3


def _receipt(i: int) -> ReceiptData:
    vn = ZoneInfo("Asia/Ho_Chi_Minh")
    received = dt.datetime(2025, 7, 2, 8, 15, tzinfo=vn) + dt.timedelta(minutes=7 * i)
    code = f"H11.03325-{received:%y%m%d}-{i + 1:04d}"
    return ReceiptData(
        header=AgencyHeader(
            name="Trung tâm Phục vụ hành chính công xã Mường Phăng",
            parent_name="Ủy ban nhân dân xã Mường Phăng",
            place="Mường Phăng",
        ),
        number=f"{i + 1}/TNHS-TTPVHCC",
        code=code,
        applicant=Applicant(
            name="Nguyễn Thị Ngọc Ánh",
            id_number="011190001234",
            address="Bản Phăng 2, xã Mường Phăng, tỉnh Điện Biên",
            phone="0912 345 678",
            email="ngocanh.nguyen@example.vn",
        ),
        procedure_name="Đăng ký khai sinh",
        documents=(
            DocumentItem(name="Tờ khai đăng ký khai sinh", originals=1),
            DocumentItem(name="Giấy chứng sinh", originals=1),
            DocumentItem(name="Giấy chứng nhận kết hôn của cha, mẹ", copies=1),
        ),
        regulated_time="Ngay trong ngày làm việc",
        received_at=received,
        appointment_at=received.replace(hour=16, minute=30),
        result_at="Trung tâm Phục vụ hành chính công xã Mường Phăng",
        officer_name="Lò Văn Đượng",
        tracking_url=f"https://dichvucong.dienbien.gov.vn/tra-cuu-ho-so?ma={code}",
    )


def run() -> dict[str, float]:
    logging.getLogger("weasyprint").setLevel(logging.WARNING)  # no per-step progress lines
    from motcua.documents.rendering import render_form, render_form_html

    receipts = [_receipt(i) for i in range(WARMUP + N)]
    for data in receipts[:WARMUP]:
        render_form(kind=FormKind.RECEIPT, data=data)

    timings = []
    sizes = []
    t0 = time.perf_counter()
    for data in receipts[WARMUP:]:
        t = time.perf_counter()
        pdf = render_form(kind=FormKind.RECEIPT, data=data)
        timings.append(time.perf_counter() - t)
        sizes.append(len(pdf))
    pdf_rate = N / (time.perf_counter() - t0)

    t0 = time.perf_counter()
    for data in receipts[WARMUP:]:
        render_form_html(kind=FormKind.RECEIPT, data=data)
    html_rate = N / (time.perf_counter() - t0)

    timings.sort()
    p50 = statistics.median(timings) * 1000
    p95 = timings[int(0.95 * (len(timings) - 1))] * 1000
    print(f"documents: receipt PDFs (Mẫu 01), warm, N={N}, one thread")
    print(f"  render_form       {pdf_rate:8.1f} receipts/s   p50 {p50:.0f} ms   p95 {p95:.0f} ms")
    print(f"  render_form_html  {html_rate:8.1f} receipts/s   (template + QR + barcode only)")
    print(f"  PDF size          {statistics.mean(sizes) / 1024:8.1f} KiB on average")
    return {"receipts_per_s": pdf_rate, "html_per_s": html_rate, "p50_ms": p50, "p95_ms": p95}


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
    run()

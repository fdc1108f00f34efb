"""Running the demo's plans: every action through the real services (`dossier_intake`,
`dossier_submit_online`, `dossier_act`) at its instant (`clock.at`), with the documents it
hands in: a small PDF for an attachment or a supplement, a Vietnamese result page."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.html import format_html

from motcua.core import clock
from motcua.core.pdf_stub import pdf_stub
from motcua.demo.planner import Op, Plan
from motcua.documents.api import font_uris, place_date, render_html_pdf
from motcua.dossiers.api import (
    demo_dossier_for_result,
    dossier_act,
    dossier_code_get,
    dossier_intake,
    dossier_submit_online,
)
from motcua.dossiers.data import ChecklistItem, UploadedFile

if TYPE_CHECKING:
    from motcua.accounts.models import User
    from motcua.dossiers.models import Dossier


def result_pdf(dossier: Dossier, signer_name: str, at: dt.datetime) -> bytes:
    """The demo's result document: a Vietnamese A4 page (the documents app's HTML → PDF, with
    its fonts), issued by the deciding agency and dated the day it is approved, which is the
    day it is signed (the demo signs it at that moment: loader._demo_signatures). The lower
    part of the page is left free for the signature stamps."""
    agency = dossier.deciding_agency
    parent = agency.parent.name if agency.parent_id and agency.parent else ""
    fonts = font_uris()
    html = format_html(
        """<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">
<title>Kết quả giải quyết hồ sơ {code}</title>
<style>
@font-face {{ font-family: "Noto Serif Motcua"; src: url("{serif}"); }}
@font-face {{ font-family: "Noto Serif Motcua"; font-weight: bold; src: url("{serif_bold}"); }}
@font-face {{ font-family: "Noto Serif Motcua"; font-style: italic; src: url("{serif_italic}"); }}
@page {{ size: A4; margin: 20mm 20mm 48mm 25mm; }}
body {{ font-family: "Noto Serif Motcua", serif; font-size: 13pt; line-height: 1.4; }}
table.head {{ width: 100%; border-collapse: collapse; text-align: center; font-size: 11pt; }}
table.head td {{ vertical-align: top; width: 42%; padding: 0; }}
table.head td + td {{ width: 58%; }}
.b {{ font-weight: bold; }}
.date {{ text-align: right; font-style: italic; margin: 10pt 0 18pt; }}
h1 {{ text-align: center; font-size: 14pt; margin: 0 0 14pt; }}
p {{ margin: 0 0 6pt; text-align: justify; }}
.sign {{ margin-left: 50%; text-align: center; margin-top: 18pt; }}
.note {{ font-size: 10pt; font-style: italic; margin-top: 24pt; }}
</style></head><body>
<table class="head"><tr>
<td>{parent}<br><span class="b">{agency}</span></td>
<td><span class="b">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</span><br>
<span class="b">Độc lập - Tự do - Hạnh phúc</span></td>
</tr></table>
<p class="date">{place_date}</p>
<h1>KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH</h1>
<p>Thủ tục: {procedure}</p>
<p>Mã hồ sơ: <span class="b">{code}</span></p>
<p>Tổ chức, cá nhân đề nghị: {applicant}</p>
<p>Địa chỉ: {address}</p>
<p>Sau khi xem xét hồ sơ theo quy định, {agency_name} chấp thuận đề nghị của tổ chức, cá nhân
nêu trên. Văn bản này là kết quả giải quyết thủ tục hành chính, có giá trị từ ngày ký.</p>
<div class="sign"><p class="b">THỦ TRƯỞNG CƠ QUAN</p>
<p><i>(Chữ ký số)</i></p><p class="b">{signer}</p></div>
<p class="note">Văn bản mẫu của dữ liệu trình diễn, do hệ thống tạo.</p>
</body></html>""",
        code=dossier.code or "",
        serif=fonts["serif_regular"],
        serif_bold=fonts["serif_bold"],
        serif_italic=fonts["serif_italic"],
        parent=parent.upper(),
        agency=agency.name.upper(),
        place_date=place_date(str(getattr(settings, "MOTCUA_PROVINCE_NAME", "")), at),
        procedure=dossier.procedure_name,
        applicant=dossier.applicant_name,
        address=dossier.address or "…",
        agency_name=agency.name,
        signer=signer_name,
    )
    return render_html_pdf(html=str(html))


class Runner:
    """Runs the actions of the plans through the services, each at its instant."""

    def __init__(self, users: dict[str, User], tz: dt.tzinfo) -> None:
        self.users = users
        self.tz = tz

    def _attachment(self, plan: Plan) -> list[UploadedFile]:
        who = plan.applicant.data.full_name or plan.applicant.data.name
        lines = [f"To khai: {plan.track.name[:80]}", f"Nguoi nop: {who}"]
        return [UploadedFile(name="to-khai.pdf", content=pdf_stub(*lines), checklist_position=None)]

    def run(self, plan: Plan, op: Op) -> None:
        tr = plan.track
        assert op.at is not None
        with clock.at(op.at):
            if op.action == "intake":
                decision = op.payload["decision"]
                docs = list(tr.documents)
                if decision == "request_completion":
                    mandatory = [p for p, m in docs if m]
                    if mandatory:
                        docs = [(p, m) for p, m in docs if p != mandatory[0]]
                checklist = [
                    ChecklistItem(position=p, received=True, originals=1) for p, _m in docs
                ]
                dossier = dossier_intake(
                    actor=self.users[op.actor or ""],
                    procedure_code=tr.code,
                    channel=plan.channel,
                    applicant=plan.applicant.data,
                    decision=decision,
                    checklist=checklist,
                    missing=op.payload.get("missing", ()),
                    note=op.payload.get("note", ""),
                    receiving_agency_code=tr.receiving,
                    deciding_agency_code=tr.deciding,
                )
                plan.dossier_id = dossier.pk
                return
            if op.action == "submit":
                dossier = dossier_submit_online(
                    applicant_user=self.users["congdan"] if plan.citizen else None,
                    procedure_code=tr.code,
                    applicant=plan.applicant.data,
                    files=self._attachment(plan),
                    deciding_agency_code=tr.deciding,
                )
                plan.dossier_id = dossier.pk
                return
            assert plan.dossier_id is not None
            payload = dict(op.payload)
            if op.to_user:
                payload["to_user"] = self.users[op.to_user].pk
            if op.result:
                dossier = demo_dossier_for_result(dossier_id=plan.dossier_id)
                signer = self.users[op.actor or ""]
                payload["result"] = UploadedFile(
                    name=f"ket-qua-{dossier.code}.pdf",
                    content=result_pdf(dossier, signer.full_name or signer.username, op.at),
                )
            elif op.file:
                code = dossier_code_get(dossier_id=plan.dossier_id)
                content = pdf_stub(
                    "BO SUNG",
                    f"Ho so: {code}",
                    tr.name[:90],
                    f"Ngay: {op.at.astimezone(self.tz):%d/%m/%Y}",
                )
                payload["file"] = UploadedFile(name="bo-sung.pdf", content=content)
            dossier_act(
                dossier_id=plan.dossier_id,
                actor=self.users[op.actor or ""],
                action=op.action,
                payload=payload,
            )

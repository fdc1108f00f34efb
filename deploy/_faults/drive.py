"""Django-side helper of deploy/faults.py, run in its own process with the instance's
environment (`DJANGO_SETTINGS_MODULE` and the rest of motcua.env).

    drive.py plan                      the procedure the background intakes use (JSON)
    drive.py approve --phones P1,P2…   one dossier per phone: intake at the desk, handed
                                       through its steps, approved with a result PDF by the
                                       deciding agency's leader (JSON: id, code, phone)

It goes through the domain services (`dossier_intake`, `dossier_act`), as an app server
would: the jobs they schedule (receipt, signature, notifications) reach the workers the
normal way. The demo tracks (`motcua.demo.tracks`) say who works on which step."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

#: The deciding department of the procedure the faults use: the demo account `lanhdao`
#: leads it, and its results are signed with the demo PKI.
DEPARTMENT = "H11.05"


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.rehearsal")
    import django

    django.setup()


def _track() -> Any:
    from motcua.demo.tracks import tracks_load

    for tr in tracks_load():
        kinds_ok = "person" in tr.kinds
        approves = bool(tr.middle) and tr.middle[-1].kind == "approve"
        if tr.dept == DEPARTMENT and kinds_ok and approves and tr.middle[0].kind != "approve":
            return tr
    raise SystemExit(f"no published procedure of {DEPARTMENT} goes intake → approve → return")


def _officers() -> dict[tuple[str, str], str]:
    from motcua.demo.accounts import BASE_OFFICERS, EXTRA_OFFICERS, commune_officers

    return {
        (o.role.value, o.agency_code): o.username
        for o in BASE_OFFICERS + EXTRA_OFFICERS + commune_officers()
    }


def plan() -> dict[str, Any]:
    tr = _track()
    return {
        "procedure": tr.code,
        "name": tr.name,
        "receiving": tr.receiving,
        "deciding": tr.deciding,
        "documents": [p for p, _mandatory in tr.documents],
    }


def approve(phones: list[str], run: str) -> list[dict[str, Any]]:
    from django.db import transaction

    from motcua.accounts.api import users_by_username
    from motcua.core.pdf_stub import pdf_stub
    from motcua.dossiers.api import dossier_act, dossier_intake
    from motcua.dossiers.data import ApplicantData, ChecklistItem, UploadedFile

    tr = _track()
    officers = _officers()
    users: dict[str, Any] = {}

    def who(role: str, agency: str) -> Any:
        name = officers[(role, agency)]
        if name not in users:
            users.update(users_by_username(usernames=[name]))
        return users[name]

    desk = who("desk_officer", tr.receiving)
    made = []
    for i, phone in enumerate(phones):
        dossier = dossier_intake(
            actor=desk,
            procedure_code=tr.code,
            channel="desk",
            applicant=ApplicantData(
                kind="person",
                full_name=f"Lò Văn Thử {run}-{i}",
                id_number="011095001234",
                phone=phone,
                email=f"faults-{run}-{phone}@example.vn",
                address="Tổ dân phố 1",
                commune_code=3127,
            ),
            decision="accept",
            checklist=[
                ChecklistItem(position=p, received=True, originals=1) for p, _m in tr.documents
            ],
            receiving_agency_code=tr.receiving,
            deciding_agency_code=tr.deciding,
        )
        first = tr.middle[0]
        dossier_act(
            dossier_id=dossier.pk,
            actor=desk,
            action="forward",
            payload={"note": "Hồ sơ đầy đủ.", "to_user": who(first.role, first.agency).pk},
        )
        mids = tr.middle
        for k in range(len(mids) - 1):
            cur, nxt = mids[k], mids[k + 1]
            dossier_act(
                dossier_id=dossier.pk,
                actor=who(cur.role, cur.agency),
                action="forward",
                payload={"note": "Trình ký.", "to_user": who(nxt.role, nxt.agency).pk},
            )
        last = mids[-1]
        result = UploadedFile(
            name=f"ket-qua-{dossier.code}.pdf",
            content=pdf_stub("KET QUA", f"Ho so: {dossier.code}", f"Faults run {run}"),
        )
        with transaction.atomic():
            dossier_act(
                dossier_id=dossier.pk,
                actor=who(last.role, last.agency),
                action="approve",
                payload={"note": "Đồng ý.", "result": result},
            )
        made.append({"id": dossier.pk, "code": dossier.code, "phone": phone})
    return made


def main() -> int:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("plan")
    ap = sub.add_parser("approve")
    ap.add_argument("--phones", required=True)
    ap.add_argument("--run", required=True)
    args = parser.parse_args()
    _setup()
    if args.command == "plan":
        out: Any = plan()
    else:
        out = approve([p for p in args.phones.split(",") if p], args.run)
    print(json.dumps(out, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

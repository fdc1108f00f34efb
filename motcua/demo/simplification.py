"""Demo data of the simplification app (issue 15): compliance-cost inputs for a few demo
procedures — documented defaults, marked "estimated" (two visits of one hour, one hour of
travel each, two hours per document; the dossiers a year only where the demo's own dossiers
give none) — and two plans: one approved (built by the catalog editor `bientap`, approved by
the province admin `quantri`) and one draft. Idempotent: plans of the same name are kept."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from motcua.accounts.api import users_by_username
from motcua.catalog.api import procedure_get_current
from motcua.core.errors import ApplicationError
from motcua.simplification.api import (
    cost_inputs_save,
    plan_approve,
    plan_create,
    plan_list,
    plan_submit,
)
from motcua.simplification.data import ItemInput

#: Procedure code → dossiers a year entered by hand (estimated).
ESTIMATED_VOLUMES = {
    "2.000004": 120,
    "DB.000002": 60,
    "1.013225": 300,
    "1.012644": 8,
    "DB.000005": 240,
}
APPROVED = "Phương án đơn giản hóa TTHC lĩnh vực công thương, xây dựng năm 2026"
DRAFT = "Phương án đơn giản hóa TTHC lĩnh vực tôn giáo, doanh nghiệp (dự thảo)"
NOTE = (
    "Ước tính theo mặc định của hệ thống (ADR 0039): 2 lần đến Bộ phận Một cửa × 1 giờ, "
    "1 giờ đi lại mỗi lần, 2 giờ cho mỗi thành phần hồ sơ."
)


def demo_simplification_load() -> list[str]:
    codes = [c for c in ESTIMATED_VOLUMES if procedure_get_current(code=c) is not None]
    for code in codes:
        cost_inputs_save(
            code=code,
            visits=2,
            hours_per_visit=Decimal(1),
            travel_hours_per_visit=Decimal(1),
            default_document_hours=Decimal(2),
            dossiers_per_year=ESTIMATED_VOLUMES[code],
            estimated=True,
            note=NOTE,
            actor=None,
        )
    people = users_by_username(usernames=["bientap", "quantri"])
    editor, admin = people.get("bientap"), people.get("quantri")
    if editor is None or admin is None:
        return [f"simplification: cost inputs for {len(codes)} procedures (no demo editor)"]
    existing = {p.name for p in plan_list()}
    today = timezone.localdate()
    done = [f"simplification: cost inputs for {len(codes)} procedures (estimated)"]
    plans = [
        (
            APPROVED,
            [
                ItemInput(
                    procedure="2.000004",
                    change="shorten_time",
                    processing_working_days=Decimal(3),
                ),
                ItemInput(procedure="DB.000002", change="drop_documents", documents=(4,)),
                ItemInput(procedure="1.013225", change="move_online"),
            ],
            True,
        ),
        (
            DRAFT,
            [
                ItemInput(
                    procedure="1.012644",
                    change="shorten_time",
                    processing_working_days=Decimal(20),
                ),
                ItemInput(procedure="DB.000005", change="move_online"),
            ],
            False,
        ),
    ]
    for name, items, approve in plans:
        if name in existing:
            continue
        wanted = [i for i in items if i.procedure in codes]
        if not wanted:
            continue
        try:
            plan = plan_create(name=name, items=wanted, actor=editor, today=today)
            if approve:
                plan_submit(plan=plan, actor=editor)
                plan_approve(plan=plan, actor=admin, decision="Demo — chưa ban hành")
        except ApplicationError as exc:
            done.append(
                f"simplification: plan “{name}” not built: {exc.message} {exc.field_errors}"
            )
            continue
        done.append(f"simplification: plan “{name}” ({plan.state})")
    return done

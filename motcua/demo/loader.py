"""Demo data for `make run`: Điện Biên, its departments and communes, the working-day
calendar, 40+ real procedures and the demo accounts. Refused in production."""

from __future__ import annotations

import datetime
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from motcua.accounts.api import (
    account_ensure,
    agency_get_by_code,
    agency_upsert,
    citizen_profile_import,
    province_import,
    role_assignments_by_role,
    role_grant,
    two_factor_exempt_mark,
    user_exists,
    users_by_username,
)
from motcua.accounts.data import AgencyKind, Role
from motcua.calendar.api import calendar_seed
from motcua.catalog.api import catalog_import
from motcua.core import clock, jobs
from motcua.core.audit import audit_record
from motcua.core.errors import ApplicationError
from motcua.core.links import public_url
from motcua.core.models import AuditEntry
from motcua.demo import dossiers as demo_dossiers
from motcua.demo.accounts import (
    DEMO_ACCOUNTS,
    DEMO_CITIZEN_PROFILE,
    demo_password,
    demo_usernames,
)
from motcua.demo.pakn import demo_pakn_load
from motcua.demo.simplification import demo_simplification_load
from motcua.demo.surveys_qa import demo_surveys_qa_load
from motcua.documents.api import credential_set_pkcs12, demo_pki_ensure
from motcua.dossiers.api import demo_results_to_sign, dossier_finished_at, dossier_result_sign

DIEN_BIEN = 11
CATALOG_FILE = Path(__file__).resolve().parent.parent / "catalog" / "demo" / "procedures.json"


class DemoRefused(ApplicationError):
    pass


#: The admin site's group of the demo's province administrators (a name people read: in
#: Vietnamese). A database loaded before it was renamed keeps its group under the new name.
ADMIN_GROUP = "Quản trị tỉnh"
OLD_ADMIN_GROUP = "Province administrators"


def _admin_group() -> Group:
    if not Group.objects.filter(name=ADMIN_GROUP).exists():
        Group.objects.filter(name=OLD_ADMIN_GROUP).update(name=ADMIN_GROUP)
    group, _created = Group.objects.get_or_create(name=ADMIN_GROUP)
    perms = Permission.objects.filter(
        content_type__app_label__in=["catalog", "workcalendar", "accounts"]
    )
    group.permissions.set(perms)
    return group


#: Audit actions marking the demo load's start and its end (docs/adr/0021).
DEMO_LOAD_STARTED = "demo.load_started"
DEMO_LOADED = "demo.loaded"


def _demo_state() -> str:
    """The demo's state: loaded, interrupted (started, never finished) or none. A database
    loaded before the markers existed (in one transaction) has the demo accounts and no
    marker: loaded."""
    # The latest marker counts (audit rows are chained, never deleted: ADR 0035).
    last = (
        AuditEntry.objects.filter(action__in=[DEMO_LOAD_STARTED, DEMO_LOADED])
        .order_by("-id")
        .values_list("action", flat=True)
        .first()
    )
    if last == DEMO_LOADED:
        return "loaded"
    if last == DEMO_LOAD_STARTED:
        return "interrupted"
    return "loaded" if user_exists(username="desk") else "none"


def _demo_mark(action: str) -> None:
    audit_record(actor=None, action=action, object_type="demo", object_id="")


def demo_load(*, force: bool = False) -> list[str]:
    """Load the demo data once (again with force). Returns what was done, line by line.

    Not one transaction: each step (and each dossier action of the demo) commits on its own,
    so that a server already running on the database is never kept waiting for the write lock
    for the whole load (a minute or more; issue 17). A load that stopped half-way is told
    apart by its markers: it is refused until run again with force."""
    if not settings.MOTCUA_ALLOW_DEMO_DATA:
        raise DemoRefused("Demo data is refused in this environment (production settings).")
    state = _demo_state()
    if state == "loaded" and not force:
        # A demo loaded before two-factor sign-in existed: its accounts keep signing in with
        # the password only (ADR 0034).
        two_factor_exempt_mark(usernames=demo_usernames())
        return ["Demo data already loaded."]
    if state == "interrupted" and not force:
        raise DemoRefused(
            "An earlier demo load stopped before its end. Load it again with "
            "`manage.py loaddemo --force`, or start from an empty database."
        )
    with transaction.atomic():
        _demo_mark(DEMO_LOAD_STARTED)
    done = []
    report = province_import(province_code=DIEN_BIEN, eid="H11")
    done.append(
        f"{report.province.name}: {report.departments} departments, {report.communes} communes"
    )
    with transaction.atomic():
        # A department of the old structure, merged into Sở Tài chính on 01/03/2025.
        old = agency_upsert(
            code="H11.90",
            name="Sở Kế hoạch và Đầu tư (đã hợp nhất)",
            kind=AgencyKind.DEPARTMENT,
            parent=report.province,
            valid_from=datetime.date(2004, 1, 1),
            valid_to=datetime.date(2025, 2, 28),
            code_is_placeholder=True,
        )
        finance = agency_get_by_code(code="H11.04")
        if finance is not None:
            finance.predecessors.add(old)
    year = timezone.localdate().year
    calendar_seed(years=[year - 1, year, year + 1])
    done.append(f"calendar {year - 1}–{year + 1}")
    result = catalog_import(
        content=CATALOG_FILE.read_bytes(), filename=CATALOG_FILE.name, actor=None
    )
    done.append(f"{result.total} procedures")
    with transaction.atomic():
        group = _admin_group()
    password = demo_password()
    for acc in DEMO_ACCOUNTS:
        hashed = make_password(password)  # slow on purpose: before the transaction
        with transaction.atomic():
            user = account_ensure(
                username=acc.username,
                full_name=acc.full_name,
                password_hash=hashed,
                is_staff=acc.staff,
                # Demo accounts sign in with the password only (a banner says so; ADR 0034).
                two_factor_exempt=True,
            )
            if acc.staff:
                user.groups.add(group)
            agency = agency_get_by_code(code=acc.agency_code) if acc.agency_code else None
            role_grant(user=user, role=acc.role, agency=agency)
    done.append("accounts: " + ", ".join(a.username for a in DEMO_ACCOUNTS))
    citizen_profile_import(
        user=users_by_username(usernames=["congdan"])["congdan"],
        verified=True,
        **DEMO_CITIZEN_PROFILE,
    )
    done.append("citizen profile: congdan (verified)")
    # Bulk load: the forms are rendered on first use, not as 400 jobs at commit.
    with jobs.suppressed():
        done += demo_dossiers.demo_dossiers_load()
        done += _demo_payments()
        done += _demo_ratings()
    done += _demo_signatures()
    done += demo_simplification_load()
    done += demo_surveys_qa_load()
    with jobs.suppressed():  # history: the senders are not told again
        done += demo_pakn_load()
    _demo_mark(DEMO_LOADED)
    return done


def _demo_payments(share: float = 0.6, seed: int = 11) -> list[str]:
    """Fees paid online through the sandbox gateway (its real protocol: signed request, signed
    IPN), for about `share` of the open dossiers that have a fee, minutes after they were
    submitted or received; one in ten first fails at the "bank" and is paid on a second try.
    The desk's reconciliation report and the citizens' receipts have something to show."""
    import random

    from motcua.dossiers.api import demo_dossiers_open
    from motcua.payments.api import (
        fee_options,
        payment_sandbox_settle,
        payment_start,
        payment_status_for_dossier,
    )

    if not getattr(settings, "MOTCUA_PAYMENT_SANDBOX", False):
        return ["payments: sandbox gateway off, no demo payments"]
    paid = failed = paid_tries = 0
    for dossier in demo_dossiers_open():
        # One draw per dossier, so a second load (--force) chooses the same dossiers.
        rng = random.Random(f"{seed}:{dossier.pk}")  # noqa: S311 - demo data, not security
        options = fee_options(dossier=dossier)
        if options.nothing_to_pay or rng.random() > share:
            continue
        if payment_status_for_dossier(dossier).paid:
            continue  # loaded again (--force): paid the first time
        since = dossier.submitted_at or dossier.received_at
        if since is None:
            continue
        choice = options.payable[0].position if options.must_choose else None
        when = since + datetime.timedelta(minutes=rng.randint(5, 90))
        with clock.at(when):
            # About one in ten fails first, and always the first one paid, so the demo shows a
            # failed payment whatever the day it is loaded (which dossiers are open depends on it).
            fails_first = paid_tries == 0 or rng.random() < 0.1
            tries = ["fail", "pay"] if fails_first else ["pay"]
            paid_tries += 1
            for button in tries:
                start = payment_start(
                    dossier=dossier,
                    payer=dossier.applicant_user,
                    choice=choice,
                    pages=3,  # a fee per page or per copy needs them (ignored otherwise)
                    copies=1,
                    return_url=public_url(reverse("portal:pay_return")),
                )
                payment_sandbox_settle(payment=start.payment, button=button)
        failed += len(tries) - 1
        paid += payment_status_for_dossier(dossier).paid
    return [
        f"payments: {paid} fees paid online through the sandbox gateway ({failed} failed first)"
    ]


def _demo_ratings(share: float = 0.45, seed: int = 13) -> list[str]:
    """Satisfaction ratings for about `share` of the answered dossiers, given by their
    applicants hours or days after the answer (never after now), through the portal's own
    service: mostly satisfied, some mixed, a few dissatisfied, so the satisfaction page, the
    public statistics and the 766 index have figures to show. Rated dossiers are skipped when
    loaded again (--force)."""
    import random

    from motcua.core.errors import Conflict
    from motcua.dossiers.api import demo_dossiers_finished
    from motcua.feedback.api import FACTORS, rating_submit

    comments = [
        "",
        "",
        "",
        "Cán bộ hướng dẫn tận tình, dễ hiểu.",
        "Thủ tục nhanh hơn tôi nghĩ.",
        "Phải đi lại hai lần mới đủ giấy tờ.",
        "Nên có thêm chỗ ngồi chờ.",
    ]
    rated = 0
    now = clock.now()
    for code, finished_at in demo_dossiers_finished():
        rng = random.Random(f"{seed}:{code}")  # noqa: S311 - demo data, not security
        if rng.random() > share:
            continue
        mood = rng.random()
        if mood < 0.72:  # satisfied with everything
            low, high = 4, 5
        elif mood < 0.92:  # mixed
            low, high = 3, 5
        else:  # unhappy
            low, high = 1, 3
        scores = {factor.key: rng.randint(low, high) for factor in FACTORS}
        when = min(finished_at + datetime.timedelta(hours=rng.randint(2, 96)), now)
        with clock.at(when):
            try:
                rating_submit(
                    dossier_code=code,
                    user=None,
                    proven_codes=[code],
                    scores=scores,
                    comment=rng.choice(comments),
                )
            except Conflict:
                continue  # rated by an earlier load
        rated += 1
    return [f"ratings: {rated} dossiers rated by their applicants"]


def _demo_signatures(limit: int = 12) -> list[str]:
    """The demo PKI (never for production): a certificate for every leader and a seal for
    every agency with a leader; then sign the results of a few processed dossiers so the
    verification page has something real to check."""
    if not getattr(settings, "USE_DEMO_PKI", False):
        return ["demo PKI off (USE_DEMO_PKI=false): results are not signed"]
    leaders = role_assignments_by_role(role=Role.LEADER.value)
    people = [
        (ra.user.full_name or ra.user.username, ra.agency.name)
        for ra in leaders
        if ra.agency is not None
    ]
    agencies = sorted({ra.agency.name for ra in leaders if ra.agency is not None})
    pki = demo_pki_ensure(directory=settings.MOTCUA_DEMO_PKI_DIR, people=people, agencies=agencies)
    for ra in leaders:
        name = ra.user.full_name or ra.user.username
        if name in pki.leaders:
            credential_set_pkcs12(user=ra.user, path=str(pki.leaders[name]), demo=True)
        if ra.agency is not None and ra.agency.name in pki.seals:
            credential_set_pkcs12(agency=ra.agency, path=str(pki.seals[ra.agency.name]), demo=True)
    signed = 0
    for dossier_id, signer_id in demo_results_to_sign(limit=limit):
        # Signed when it was approved, as a job would have done: the result's own date, the
        # stamp and the time stated in the signature agree (issue 17).
        approved = dossier_finished_at(dossier_id=dossier_id)
        when = approved + datetime.timedelta(minutes=2) if approved else clock.now()
        try:
            with clock.at(when):
                if dossier_result_sign(dossier_id=dossier_id, signer_id=signer_id) is not None:
                    signed += 1
        except ApplicationError:  # told to the leaders (a notice); the demo goes on
            continue
    return [
        f"demo PKI in {pki.directory}: {len(pki.leaders)} leaders, {len(pki.seals)} "
        f"seals; {signed} results signed"
    ]

"""The demo load (`make run`): dossiers in every state, made through the services.

One test on purpose: loading the whole demo takes some seconds."""

from __future__ import annotations

import pytest

from motcua.accounts.api import user_roles
from motcua.accounts.models import User
from motcua.dossiers.api import DossierStatus, dossiers_overdue


@pytest.mark.django_db
def test_demo_load_makes_dossiers_in_every_state(orm):
    from motcua.demo.accounts import EXTRA_OFFICERS
    from motcua.demo.loader import demo_load

    lines = demo_load()
    dossiers = orm.Dossier.objects.all()
    assert 300 <= dossiers.count() <= 400
    assert any("demo dossiers" in line for line in lines)
    assert any(line.strip().startswith("cv.noivu") for line in lines)

    statuses = set(dossiers.values_list("status", flat=True))
    assert statuses == {s.value for s in DossierStatus}
    done = dossiers.filter(status__in=["result_ready", "returned"])
    assert set(done.values_list("outcome", flat=True)) == {"early", "on_time", "late"}
    assert not done.filter(outcome="").exists()

    assert dossiers_overdue().exists()  # in progress past the appointment
    assert dossiers.filter(status="supplement_requested", paused_at__isnull=False).exists()
    assert orm.DossierStep.objects.filter(
        kind="consult", parent__isnull=False, status="active"
    ).exists()
    assert orm.DossierStep.objects.filter(
        kind="consult", parent__isnull=False, status="done"
    ).exists()
    assert orm.DossierStep.objects.filter(kind="transfer").exists()
    assert dossiers.filter(extended=True).exists()
    assert orm.DossierEvent.objects.filter(action="apologize").exists()
    assert dossiers.filter(channel="online", status="submitted").exists()
    assert dossiers.filter(channel="online", status="returned", return_method="online").exists()

    # Every event chain replays to the dossier's status.
    events: dict[int, list[tuple[str, str]]] = {}
    for dossier_id, frm, to in orm.DossierEvent.objects.order_by(
        "dossier_id", "at", "id"
    ).values_list("dossier_id", "from_status", "to_status"):
        events.setdefault(dossier_id, []).append((frm, to))
    for dossier_id, status in dossiers.values_list("id", "status"):
        chain = events[dossier_id]
        assert chain[0][0] == ""
        assert all(a[1] == b[0] for a, b in zip(chain, chain[1:], strict=False)), dossier_id
        assert chain[-1][1] == status, dossier_id

    # Received dossiers have a code and an appointment; results are PDF files.
    received = dossiers.filter(received_at__isnull=False)
    assert received.filter(status__in=["received", "processing", "returned"]).count() > 200
    assert not received.filter(code__isnull=True).exists()
    assert not received.filter(appointment_at__isnull=True).exists()
    result = orm.DossierDocument.objects.filter(kind="result").first()
    assert result is not None
    assert result.file.open("rb").read(5) == b"%PDF-"

    # The extra officers hold their roles, and commune dossiers are received at the commune.
    for officer in EXTRA_OFFICERS:
        user = User.objects.get(username=officer.username)
        assert officer.role.value in {r for r, _a in user_roles(user=user)}
    commune = dossiers.filter(deciding_agency__kind="commune").first()
    assert commune is not None
    assert commune.receiving_agency.code == f"{commune.deciding_agency.code}.01"

    # Fees paid online through the sandbox gateway's protocol: one paid payment per paid
    # dossier, each confirmed by a signed IPN; some failed first.
    paid = orm.Payment.objects.filter(status="paid")
    assert paid.count() >= 5
    assert paid.values("dossier").distinct().count() == paid.count()
    assert any(line.startswith(f"payments: {paid.count()} fees paid") for line in lines)
    assert orm.PaymentCallback.objects.filter(
        kind="ipn", outcome="confirmed", verified=True
    ).count() == (paid.count())
    assert orm.Payment.objects.filter(status="failed").exists()
    assert not paid.filter(paid_at__isnull=True).exists()

    # Loaded once: a second call does nothing.
    assert demo_load() == ["Demo data already loaded."]

    # Loaded again with force: the fees paid the first time are not paid twice (it used to
    # stop with "already paid"), and every dossier is still paid once.
    from motcua.demo import loader

    with loader.jobs.suppressed():
        again = loader._demo_payments()
    assert again == ["payments: 0 fees paid online through the sandbox gateway (0 failed first)"]
    assert orm.Payment.objects.filter(status="paid").count() == paid.count()

    # Ratings by the applicants of answered dossiers, through the portal's service: some of
    # every kind, each counted in the reports' fact table; a second load rates nothing again.
    ratings = orm.Rating.objects.all()
    assert ratings.count() >= 20
    assert ratings.filter(score_access__gte=4).exists()
    assert ratings.filter(score_access__lte=2).exists()
    assert any(line.startswith(f"ratings: {ratings.count()} dossiers rated") for line in lines)
    rated_in_facts = sum(orm.DailyFlow.objects.values_list("rated", flat=True))
    assert rated_in_facts == ratings.count()
    with loader.jobs.suppressed():
        assert loader._demo_ratings() == ["ratings: 0 dossiers rated by their applicants"]

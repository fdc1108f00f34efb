"""The daily anchor of the audit chains (ADR 0035): one `AuditAnchor` per local day.

A chain alone shows a row changed by someone who did not also recompute every later hash;
whoever can write the database can. The anchor fixes each day once it is over: the SHA-256
over the hashes of every chained row written that day (every source of `core.chain`, in a
stable order), chained to the previous day's, and — when a time-stamping authority is
configured — an RFC 3161 token over it (the same TSA as the documents' signatures:
`MOTCUA_AUDIT_TSA_URL`, else `MOTCUA_TSA_URL` when `USE_TSA`). Each row's hash commits to its
whole chain before it, so the day's digest fixes the head of every chain written that day:
one token a day, not one per dossier. `verify_audit` recomputes every anchored day's digest
and checks each token's imprint.

A day is anchored once it has been over for `MARGIN` (a transaction that began before
midnight has committed by then), and only days after the chain started (the rows written
before it are chained later by `audit_chain_backfill`, which must not change a fixed day)."""

from __future__ import annotations

import datetime as dt
import hashlib
import zoneinfo
from collections.abc import Iterator

from django.conf import settings
from django.db import transaction

from motcua.core.aio import run_coroutine
from motcua.core.chain import GENESIS, Break, Report, chain_sources
from motcua.core.models import AuditAnchor, ChainHead

MARGIN = dt.timedelta(hours=1)
#: The ChainHead row whose time is when the chain started (written by core's migration 0003).
START = ("core.chain", "start")


def _zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = _zone()
    start = dt.datetime.combine(day, dt.time(), tzinfo=zone)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    return start, end


def day_digest(day: dt.date, prev: str) -> tuple[str, int]:
    """(digest, rows) of one day: every source's (table, id, hash) in order."""
    start, end = day_bounds(day)
    digest = hashlib.sha256(f"motcua-anchor-1\n{day.isoformat()}\n{prev}\n".encode())
    rows = 0
    for _name, source in sorted(chain_sources().items()):
        for table, pk, row in source.day_hashes(start, end):
            digest.update(f"{table}:{pk}:{row}\n".encode())
            rows += 1
    return digest.hexdigest(), rows


def tsa_url() -> str:
    own = str(getattr(settings, "MOTCUA_AUDIT_TSA_URL", "") or "")
    if own:
        return own
    if getattr(settings, "USE_TSA", False):
        return str(getattr(settings, "MOTCUA_TSA_URL", "") or "")
    return ""


def tsa_token(digest: str, url: str) -> bytes:
    """An RFC 3161 token (DER ContentInfo) over the SHA-256 digest, from the TSA at `url`."""
    from pyhanko.sign.timestamps import HTTPTimeStamper

    timeout = float(getattr(settings, "MOTCUA_TSA_TIMEOUT", 10.0))
    stamper = HTTPTimeStamper(url, timeout=timeout)
    token = run_coroutine(stamper.async_timestamp(bytes.fromhex(digest), "sha256"))
    return bytes(token.dump())


def token_imprint(token: bytes) -> tuple[str, dt.datetime]:
    """(hex of the hashed message, genTime) inside an RFC 3161 token."""
    from asn1crypto import cms, tsp

    info = cms.ContentInfo.load(token)
    content = info["content"]["encap_content_info"]["content"].parsed
    assert isinstance(content, tsp.TSTInfo)
    imprint = content["message_imprint"]["hashed_message"].native
    return imprint.hex(), content["gen_time"].native


def _start() -> dt.datetime | None:
    row = ChainHead.objects.filter(chain=START[0], stream=START[1]).first()
    return row.updated_at if row is not None else None


def days_due(now: dt.datetime) -> Iterator[dt.date]:
    """The days to anchor now, oldest first."""
    last = AuditAnchor.objects.order_by("-day").values_list("day", flat=True).first()
    if last is not None:
        day = last + dt.timedelta(days=1)
    else:
        started = _start()
        if started is None:
            return
        day = started.astimezone(_zone()).date() + dt.timedelta(days=1)
    while day_bounds(day)[1] + MARGIN <= now:
        yield day
        day += dt.timedelta(days=1)


def anchors_make(*, now: dt.datetime | None = None) -> list[AuditAnchor]:
    """Anchor every day that is due (the periodic job `core.audit_anchor`). A TSA that does
    not answer leaves the day unanchored: the next run tries again, in order."""
    from django.utils import timezone

    now = now or timezone.now()
    made: list[AuditAnchor] = []
    url = tsa_url()
    for day in list(days_due(now)):
        prev = (
            AuditAnchor.objects.filter(day__lt=day)
            .order_by("-day")
            .values_list("digest", flat=True)
            .first()
            or GENESIS
        )
        digest, rows = day_digest(day, prev)
        token = tsa_token(digest, url) if url else None
        with transaction.atomic():
            anchor, _ = AuditAnchor.objects.get_or_create(
                day=day,
                defaults={
                    "rows": rows,
                    "prev_digest": prev,
                    "digest": digest,
                    "token": token,
                    "tsa_url": url if token else "",
                },
            )
        made.append(anchor)
    return made


def anchors_verify(report: Report, *, since: dt.date | None = None) -> None:
    """Recompute each anchored day and check its link and its token's imprint."""
    prev = GENESIS
    anchors = AuditAnchor.objects.order_by("day")
    for anchor in anchors.iterator():
        report.anchors += 1
        table = AuditAnchor._meta.db_table
        if anchor.prev_digest != prev:
            report.broken(
                Break(
                    table,
                    anchor.pk,
                    f"anchor of {anchor.day}: not linked to the day before",
                    prev,
                    anchor.prev_digest,
                )
            )
        prev = anchor.digest
        if since is not None and anchor.day < since:
            continue
        digest, rows = day_digest(anchor.day, anchor.prev_digest)
        if digest != anchor.digest:
            report.broken(
                Break(
                    table,
                    anchor.pk,
                    f"the rows of {anchor.day} are not the ones anchored ({anchor.rows} then, "
                    f"{rows} now): one changed, deleted or inserted",
                    anchor.digest,
                    digest,
                )
            )
        if anchor.token:
            imprint, _when = token_imprint(bytes(anchor.token))
            if imprint != anchor.digest:
                report.broken(
                    Break(
                        table,
                        anchor.pk,
                        f"the time-stamp token of {anchor.day} is over another digest",
                        anchor.digest,
                        imprint,
                    )
                )

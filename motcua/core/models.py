from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class BaseModel(models.Model):
    """Every domain row knows when it was created and last changed."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class ChainedEntry(models.Model):
    """A row of a hash-chained stream (ADR 0035; `core.chain`): the stream it belongs to, its
    position there (1, 2, …), the hash of the stream's previous row and its own hash (SHA-256
    of the previous hash and of its content, the fields named by `CHAIN_FIELDS`). Written only
    by `core.chain.chain_append`; a row from before the chain has stream "" (`audit_chain_backfill`)."""

    #: The fields whose values the hash covers, besides stream and seq (subclasses set them).
    CHAIN_FIELDS: ClassVar[tuple[str, ...]] = ()

    stream = models.CharField(_("chain stream"), max_length=96, blank=True, editable=False)
    seq = models.BigIntegerField(_("position in the stream"), null=True, blank=True, editable=False)
    prev_hash = models.CharField(_("previous hash"), max_length=64, blank=True, editable=False)
    hash = models.CharField(_("hash"), max_length=64, blank=True, editable=False)

    class Meta:
        abstract = True


class ChainHead(models.Model):
    """The last row of one hash-chained stream (ADR 0035): locked by the writer of the next
    row, so only the rows of one stream wait for each other. `chain` is the model's label."""

    chain = models.CharField(_("chain"), max_length=64)
    stream = models.CharField(_("chain stream"), max_length=96)
    seq = models.BigIntegerField(_("rows"), default=0)
    head = models.CharField(_("hash of the last row"), max_length=64)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain heads")
        constraints = [
            models.UniqueConstraint(fields=["chain", "stream"], name="chainhead_chain_stream")
        ]

    def __str__(self) -> str:
        return f"{self.chain} {self.stream} #{self.seq}"


class AuditAnchor(models.Model):
    """One day of the audit chains, fixed (ADR 0035): the SHA-256 over the hashes of every
    chained row written that day (local day, `core.anchor`), chained to the previous day's,
    and — when a time-stamping authority is configured — its RFC 3161 token."""

    day = models.DateField(_("day"), unique=True)
    rows = models.BigIntegerField(_("rows"))
    prev_digest = models.CharField(_("previous digest"), max_length=64)
    digest = models.CharField(_("digest"), max_length=64)
    token = models.BinaryField(_("RFC 3161 token"), null=True, blank=True)
    tsa_url = models.CharField(_("time-stamping authority"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("audit anchor")
        verbose_name_plural = _("audit anchors")
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} {self.digest[:12]}"


class AuditEntry(ChainedEntry):
    """One row per state change made by a service: who did what to which object, when.
    Chained per stream (object type and a shard of the object's id; `core.audit`)."""

    CHAIN_FIELDS = ("at", "actor_id", "actor_label", "action", "object_type", "object_id", "data")

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor_id = models.BigIntegerField(_("actor ID"), null=True, blank=True)
    actor_label = models.CharField(_("actor"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.CharField(_("object ID"), max_length=64)
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["stream", "seq"], condition=~Q(stream=""), name="auditentry_stream_seq"
            )
        ]

    def __str__(self) -> str:
        at = timezone.localtime(self.at) if self.at else None
        when = f"{at:%d/%m/%Y %H:%M} " if at else ""
        return f"{when}{self.actor_label} {self.action} {self.object_type}:{self.object_id}"


class JobOutbox(models.Model):
    """A background job written in the transaction of the change that called for it, before it
    reaches the broker (ADR 0045; `core.jobs`). Published right after the commit and then
    deleted; a row left here (the broker was down or the process died between the commit and
    the publish) is published by `manage.py jobs_relay`. Its id makes the job's Celery task id
    (`outbox-<id>`), so a job published twice shows as two deliveries of one task id."""

    task_name = models.CharField(_("job"), max_length=100)
    kwargs = models.JSONField(_("arguments"), default=dict)
    queue = models.CharField(_("queue"), max_length=32)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True, default="")

    class Meta:
        verbose_name = _("job waiting for the broker")
        verbose_name_plural = _("jobs waiting for the broker")
        indexes = [models.Index(fields=["created_at"], name="joboutbox_created")]

    def __str__(self) -> str:
        return f"{self.task_name} #{self.pk}"

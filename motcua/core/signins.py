"""Sign-ins and admin changes in the chained audit trail (ADR 0035), by Django's signals:
nothing in the sign-in views or the admin calls this module.

* `user_logged_in` (a session opened: the portal, the desk, the admin; after any second
  factor the view asks for) → `signin.succeeded` about the user, with the client's address.
* `user_login_failed` (`authenticate()` found no match; every door that takes a password
  goes through it, the API's token endpoint included) → `signin.failed`, about the account
  when the name is one, else about the name typed (cut to 64 characters).
  The API's token itself is recorded by its service (`api_token.issued`).
* `post_save` of the admin's `LogEntry` (an addition, change or deletion made in the admin
  site) → `admin.addition` / `admin.change` / `admin.deletion` about the object, with the
  entry's id and message: the LogEntry table itself is not chained, its content is.
  Django writes the LogEntry rows of a bulk deletion with `bulk_create`, which sends no
  signal: those are not recorded here (the admin's own objects are read only; ADR 0024).

A failed sign-in inside a transaction that is then rolled back leaves no row (the audit row
is committed with the caller's transaction, as everywhere)."""

from __future__ import annotations

from typing import Any

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver

from motcua.core.audit import audit_record

_ADMIN_ACTIONS = {ADDITION: "admin.addition", CHANGE: "admin.change", DELETION: "admin.deletion"}


def _address(request: Any) -> str:
    meta = getattr(request, "META", None) or {}
    return str(meta.get("REMOTE_ADDR", ""))[:64]


@receiver(user_logged_in, dispatch_uid="motcua.core.signins.logged_in")
def signin_succeeded(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(
        actor=user,
        action="signin.succeeded",
        obj=user,
        data={"address": _address(request), "backend": getattr(user, "backend", "") or ""},
    )


@receiver(user_login_failed, dispatch_uid="motcua.core.signins.login_failed")
def signin_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    name = str(credentials.get("username") or credentials.get("email") or "")[:150]
    user_model = get_user_model()
    user = user_model._default_manager.filter(**{user_model.USERNAME_FIELD: name}).first()
    data = {"address": _address(request), "username": name}
    if user is not None:
        audit_record(actor=None, action="signin.failed", obj=user, data=data)
    else:
        audit_record(
            actor=None,
            action="signin.failed",
            object_type=user_model._meta.label_lower,
            object_id=name[:64],
            data=data,
        )


@receiver(post_save, sender=LogEntry, dispatch_uid="motcua.core.signins.admin_log")
def admin_change(sender: Any, instance: LogEntry, created: bool, **kwargs: Any) -> None:
    if not created:
        return
    content_type: Any = instance.content_type
    object_type = f"{content_type.app_label}.{content_type.model}" if content_type else "admin"
    audit_record(
        actor=instance.user,
        action=_ADMIN_ACTIONS.get(instance.action_flag, "admin.other"),
        object_type=object_type,
        object_id=str(instance.object_id or ""),
        data={
            "log_entry": instance.pk,
            "object_repr": instance.object_repr,
            "change_message": instance.change_message,
        },
    )

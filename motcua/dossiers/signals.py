"""Signals of the dossiers app, for apps built on it that dossiers must not import.

`dossier_event_recorded` is sent by `services.events.dossier_event_record` (the one writer of
DossierEvent rows), inside the transaction that records the event, with `event=` the new
row. Receivers may only write their own rows in that transaction and schedule their side
effects with `core.jobs.enqueue_on_commit`; they never change the dossier (ADR 0012).
Replaying the signal for the same event must be harmless: receivers are idempotent."""

from __future__ import annotations

from django.dispatch import Signal

dossier_event_recorded = Signal()

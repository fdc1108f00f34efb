"""Dossier endpoints of REST API v1 (being built)."""

from ninja import Router

router = Router(tags=["dossiers"])

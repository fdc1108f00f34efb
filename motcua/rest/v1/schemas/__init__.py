"""Schemas of REST API v1: the error body every endpoint shares here; the schemas of one
resource in a module of their own (`dossiers.py`), or beside their router when they are few."""

from ninja import Schema


class ErrorOut(Schema):
    detail: str
    code: str
    errors: dict[str, list[str]]

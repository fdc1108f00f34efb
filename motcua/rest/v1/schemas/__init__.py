"""Schemas of REST API v1: the error body every endpoint shares here; the schemas of one
resource in a module of their own (`dossiers.py`), or beside their router when they are few.

Every request schema derives from `InputSchema`: its texts are at most as long as the model's
column they are stored in (`max_lengths`, from the model: `core.hostile.max_lengths`); ids
from outside are `Id` (a 64-bit key), pagination `Limit` and `Offset` (docs/adr/0033)."""

from collections.abc import Mapping
from typing import Annotated, Any, ClassVar

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import Field, ValidationInfo, field_validator

from motcua.core.hostile import MAX_ID, MAX_LIMIT, MAX_OFFSET, text_problem

Id = Annotated[int, Field(ge=1, le=MAX_ID)]

Limit = Annotated[int, Field(ge=1, le=MAX_LIMIT)]
Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET)]


class ErrorOut(Schema):
    detail: str
    code: str
    errors: dict[str, list[str]]


class InputSchema(Schema):
    """A request schema bounded by the database: a text field named in `max_lengths` is at
    most that long (the error names the field, as every validation error of the API), and no
    text holds a control character. Integers from outside use `Id`, `Limit` and `Offset` (or
    bounds of their own)."""

    max_lengths: ClassVar[Mapping[str, int]] = {}

    @field_validator("*", mode="after")
    @classmethod
    def _bounded(cls, value: Any, info: ValidationInfo) -> Any:
        if isinstance(value, str):
            problem = text_problem(value)
            if problem:
                raise ValueError(problem)
            limit = cls.max_lengths.get(info.field_name or "")
            if limit is not None and len(value) > limit:
                raise ValueError(
                    _("Ensure this value has at most %(max)d characters (it has %(length)d).")
                    % {"max": limit, "length": len(value)}
                )
        return value

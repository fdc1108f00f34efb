"""No app's api.py exports a model class (ADR 0026, "Models are not part of an app's API").

An app's `api.py` exports functions (services, selectors) and data shapes (enums, dataclasses,
constants). Another app that needs a model class only as a type imports it under
`if TYPE_CHECKING:` from the owner's `models.py`; one that needs the rows calls a function of
the owner's API. This test imports every `motcua.<app>.api` and fails on a public name (or a
name of `__all__`) bound to a Django model class.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from types import ModuleType

from django.db import models

import motcua


def api_modules() -> list[ModuleType]:
    return [
        importlib.import_module(f"motcua.{info.name}.api")
        for info in pkgutil.iter_modules(motcua.__path__)
        if info.ispkg and importlib.util.find_spec(f"motcua.{info.name}.api") is not None
    ]


def exported_models(module: ModuleType) -> list[str]:
    """The names of `module` (public ones, and those in its `__all__`) bound to a model class."""
    names = {n for n in vars(module) if not n.startswith("_")} | set(getattr(module, "__all__", ()))
    return sorted(
        f"{module.__name__}.{name}"
        for name in names
        if isinstance(value := getattr(module, name, None), type)
        and issubclass(value, models.Model)
    )


def test_every_app_with_an_api_is_checked():
    names = {m.__name__ for m in api_modules()}
    assert {
        "motcua.accounts.api",
        "motcua.catalog.api",
        "motcua.dossiers.api",
        "motcua.notifications.api",
        "motcua.payments.api",
        "motcua.feedback.api",
        "motcua.calendar.api",
        "motcua.documents.api",
    } <= names


def test_no_api_exports_a_model_class():
    exported = [name for module in api_modules() for name in exported_models(module)]
    assert exported == [], (
        "model classes exported by an api.py (import them under TYPE_CHECKING from the "
        "app's models.py, or call a function of its api.py):\n" + "\n".join(exported)
    )


def test_the_check_catches_a_model():
    """Self-check: a module that re-exports a model (by a public name, or only through
    `__all__` under a private one) is caught; a constant or a data shape is not."""
    from motcua.dossiers.models import DRAFT_STEPS, Dossier
    from motcua.dossiers.workflow import DossierStatus

    planted = ModuleType("motcua.planted.api")
    planted.Dossier = Dossier  # type: ignore[attr-defined]
    planted.DRAFT_STEPS = DRAFT_STEPS  # type: ignore[attr-defined]
    planted.DossierStatus = DossierStatus  # type: ignore[attr-defined]
    assert exported_models(planted) == ["motcua.planted.api.Dossier"]

    hidden = ModuleType("motcua.hidden.api")
    hidden._Model = Dossier  # type: ignore[attr-defined]
    assert exported_models(hidden) == []
    hidden.__all__ = ["_Model"]  # type: ignore[attr-defined]
    assert exported_models(hidden) == ["motcua.hidden.api._Model"]

"""Public Python API of the catalog. Other apps import only this module and data.py."""

from __future__ import annotations

from typing import Any

from motcua.catalog import exchange
from motcua.catalog.cache import catalog_changed, catalog_generation, catalog_memo
from motcua.catalog.formfields import form_data_clean, form_data_display, parse_date
from motcua.catalog.models import (
    APPLICANT_KIND_LABELS,
    STEP_KIND_CHOICES,
    STEP_ROLE_CHOICES,
)
from motcua.catalog.selectors import (
    agency_procedure_counts,
    catalog_agency_rows,
    catalog_export_rows,
    catalog_field_rows,
    catalog_find,
    catalog_rows,
    catalog_version,
    field_list_with_counts,
    procedure_get_current,
    procedure_retention_years,
    procedure_search,
    procedure_versions,
    version_charges_fee,
    version_get,
    version_to_raw,
    versions_charging_fee,
)
from motcua.catalog.services import (
    ImportReport,
    catalog_import,
    procedure_draft_save,
    procedure_draft_start,
    procedure_publish,
    procedure_retention_set,
)


def catalog_export(*, fmt: str) -> bytes:
    """The whole current catalog as JSON (`fmt="json"`) or Excel (`fmt="xlsx"`), in the
    exchange format that `catalog_import` reads back."""
    rows: list[dict[str, Any]] = catalog_export_rows()
    if fmt == "json":
        return exchange.write_json(rows)
    if fmt == "xlsx":
        return exchange.write_excel(rows)
    raise ValueError(fmt)


__all__ = [
    "catalog_agency_rows",
    "catalog_changed",
    "catalog_field_rows",
    "catalog_find",
    "catalog_generation",
    "catalog_memo",
    "catalog_rows",
    "catalog_version",
    "procedure_retention_set",
    "procedure_retention_years",
    "APPLICANT_KIND_LABELS",
    "STEP_KIND_CHOICES",
    "STEP_ROLE_CHOICES",
    "ImportReport",
    "agency_procedure_counts",
    "catalog_export",
    "catalog_import",
    "field_list_with_counts",
    "form_data_clean",
    "form_data_display",
    "parse_date",
    "procedure_draft_save",
    "procedure_draft_start",
    "procedure_get_current",
    "procedure_publish",
    "procedure_search",
    "procedure_versions",
    "version_charges_fee",
    "version_get",
    "version_to_raw",
    "versions_charging_fee",
]

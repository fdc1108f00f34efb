"""Public Python API of the privacy app (personal data, ADR 0036). Interfaces import only this
module and data.py."""

from motcua.privacy.data import REVEAL_REASONS, ApplicantView, PersonalDataAccess, ViewReason
from motcua.privacy.masking import (
    applicant_view,
    mask_address,
    mask_date_of_birth,
    mask_email,
    mask_id_number,
    mask_phone,
)
from motcua.privacy.models import REASON_CHOICES
from motcua.privacy.selectors import (
    LOG_READER_ROLES,
    dossier_is_anonymised,
    may_read_view_log,
    personal_data_access,
    personal_data_views,
)
from motcua.privacy.services import (
    AnonymiseReport,
    OwnDataExport,
    TooManyExports,
    anonymise_due,
    own_data_collect,
    own_data_export,
    personal_data_reveal,
    personal_data_reveal_check,
    personal_data_view_record,
    personal_data_views_record,
)

__all__ = [
    "LOG_READER_ROLES",
    "REASON_CHOICES",
    "REVEAL_REASONS",
    "AnonymiseReport",
    "ApplicantView",
    "OwnDataExport",
    "PersonalDataAccess",
    "TooManyExports",
    "ViewReason",
    "anonymise_due",
    "applicant_view",
    "dossier_is_anonymised",
    "mask_address",
    "mask_date_of_birth",
    "mask_email",
    "mask_id_number",
    "mask_phone",
    "may_read_view_log",
    "own_data_collect",
    "own_data_export",
    "personal_data_access",
    "personal_data_reveal",
    "personal_data_reveal_check",
    "personal_data_view_record",
    "personal_data_views",
    "personal_data_views_record",
]

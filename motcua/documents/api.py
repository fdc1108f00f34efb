"""Public Python API of the documents app: render the official forms, sign and verify PDFs.

Renders from the shapes in `documents.data`; never imports dossiers."""

from motcua.documents.barcodes import code128_svg, qr_svg, svg_data_uri
from motcua.documents.pki import DemoPki, demo_pki_ensure
from motcua.documents.rendering import (
    font_uris,
    place_date,
    render_form,
    render_form_html,
    render_html_pdf,
)
from motcua.documents.services import (
    credential_exists,
    credential_set_pkcs12,
    signer_config_for,
)
from motcua.documents.signing import (
    FILE_PROBLEMS,
    SignerConfig,
    pdf_signable_check,
    sign_pdf,
    tsa_from_settings,
)
from motcua.documents.verification import (
    SignatureReport,
    VerificationReport,
    trust_roots_from_settings,
    verify_pdf,
)

__all__ = [
    "FILE_PROBLEMS",
    "DemoPki",
    "SignatureReport",
    "SignerConfig",
    "VerificationReport",
    "code128_svg",
    "credential_exists",
    "credential_set_pkcs12",
    "demo_pki_ensure",
    "qr_svg",
    "font_uris",
    "pdf_signable_check",
    "place_date",
    "render_form",
    "render_html_pdf",
    "render_form_html",
    "sign_pdf",
    "svg_data_uri",
    "signer_config_for",
    "trust_roots_from_settings",
    "tsa_from_settings",
    "verify_pdf",
]

"""Public shapes of the accounts app (stdlib only)."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Role(enum.StrEnum):
    """What a person does, held in an agency (a citizen holds it without one)."""

    CITIZEN = "citizen"
    DESK_OFFICER = "desk_officer"
    SPECIALIST = "specialist"
    LEADER = "leader"
    AGENCY_ADMIN = "agency_admin"
    PROVINCE_ADMIN = "province_admin"
    SUPERVISOR = "supervisor"
    #: Cán bộ tiếp nhận phản ánh, kiến nghị: the province's feedback desk (motcua.pakn).
    FEEDBACK_OFFICER = "feedback_officer"


OFFICER_ROLES = frozenset(
    {Role.DESK_OFFICER, Role.SPECIALIST, Role.LEADER, Role.AGENCY_ADMIN, Role.PROVINCE_ADMIN}
)
CATALOG_EDITOR_ROLES = frozenset({Role.AGENCY_ADMIN, Role.PROVINCE_ADMIN})
#: Roles that work on dossiers (their home is the desk's worklist).
WORKER_ROLES = frozenset({Role.DESK_OFFICER, Role.SPECIALIST, Role.LEADER})
#: Roles that watch and look up but do not work on dossiers (their home is the desk overview).
OVERSIGHT_ROLES = frozenset({Role.AGENCY_ADMIN, Role.PROVINCE_ADMIN, Role.SUPERVISOR})


class Landing(enum.StrEnum):
    """Where a person lands after signing in (the interface turns it into a URL)."""

    WORKLIST = "worklist"  # desk officers, specialists, leaders: their open work
    OVERVIEW = "overview"  # supervisors, agency and province admins: the desk overview
    MY_DOSSIERS = "my_dossiers"  # citizens (and anyone else signed in): their dossiers
    ADMIN = "admin"  # staff holding no role: the administration site
    FEEDBACK = "feedback"  # the feedback desk (phản ánh, kiến nghị): its register


class AgencyKind(enum.StrEnum):
    PROVINCE = "province"  # UBND tỉnh / thành phố
    DEPARTMENT = "department"  # sở, ban, ngành
    PROVINCE_SERVICE_CENTER = "province_service_center"  # Trung tâm PVHCC tỉnh
    COMMUNE = "commune"  # UBND xã / phường / đặc khu
    COMMUNE_SERVICE_CENTER = "commune_service_center"  # Trung tâm PVHCC xã
    UNIT = "unit"  # phòng, chi cục, văn phòng đăng ký…
    VERTICAL = "vertical"  # ngành dọc: thuế, công an, BHXH…
    DISTRICT = "district"  # cấp huyện, abolished on 01/07/2025 (history only)


@dataclass(frozen=True)
class AgencyData:
    code: str
    name: str
    kind: str
    parent_code: str | None


class TwoFactorState(enum.StrEnum):
    """What a signed-in person still owes before using the site (two-factor sign-in)."""

    NONE = "none"  # the password suffices: no authenticator, and none required
    VERIFY = "verify"  # has an authenticator: a code (or a recovery code) is asked once per session
    ENROL = "enrol"  # must set up an authenticator first (leader, province admin, signer, staff)


@dataclass(frozen=True)
class TwoFactorSetup:
    """A new authenticator's shared secret (base32) and its otpauth:// URI (the QR code)."""

    secret: str
    uri: str


#: Roles whose holders must sign in with two factors (with staff, superusers and holders of
#: a signing credential; `accounts.api.two_factor_required`).
TWO_FACTOR_ROLES = frozenset({Role.LEADER, Role.PROVINCE_ADMIN})
#: The session key naming the user whose second factor was checked in this session.
TWO_FACTOR_SESSION_KEY = "motcua_two_factor_verified"

"""User accounts set up by a loader (the demo data): `account_ensure`,
`two_factor_exempt_mark`."""

from __future__ import annotations

from motcua.accounts.models import User


def account_ensure(
    *,
    username: str,
    full_name: str,
    password_hash: str,
    is_staff: bool | None = None,
    two_factor_exempt: bool | None = None,
) -> User:
    """The account with this username, created when missing, given this name, this password
    (already hashed: hashing is slow on purpose, the caller hashes once) and, when given,
    this staff flag and, when given, this two-factor exemption (demo accounts: two-factor
    sign-in off, honoured only where demo data is allowed; ADR 0034). Two statements (get or create, save); no audit entry: for loaders."""
    user, _created = User.objects.get_or_create(username=username)
    user.full_name = full_name
    if is_staff is not None:
        user.is_staff = is_staff
    if two_factor_exempt is not None:
        user.two_factor_exempt = two_factor_exempt
    user.password = password_hash
    user.save()
    return user


def two_factor_exempt_mark(*, usernames: list[str]) -> int:
    """For the demo loader: these accounts sign in with the password only (demo accounts of a
    database loaded before two-factor sign-in existed; honoured only where demo data is
    allowed, ADR 0034). One statement; no audit entry: for loaders. Returns the count."""
    return User.objects.filter(username__in=usernames, two_factor_exempt=False).update(
        two_factor_exempt=True
    )

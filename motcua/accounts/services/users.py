"""User accounts set up by a loader (the demo data): `account_ensure`."""

from __future__ import annotations

from motcua.accounts.models import User


def account_ensure(
    *, username: str, full_name: str, password_hash: str, is_staff: bool | None = None
) -> User:
    """The account with this username, created when missing, given this name, this password
    (already hashed: hashing is slow on purpose, the caller hashes once) and, when given,
    this staff flag. Two statements (get or create, save); no audit entry: for loaders."""
    user, _created = User.objects.get_or_create(username=username)
    user.full_name = full_name
    if is_staff is not None:
        user.is_staff = is_staff
    user.password = password_hash
    user.save()
    return user

"""Two-factor sign-in is forced by default (ADR 0034): only the test settings turn the
requirement off (motcua/accounts/tests/test_two_factor.py turns it back on); production and
local settings keep the default, and production refuses demo data (so no demo exemption)."""

from pathlib import Path

from config.settings import base

SETTINGS = Path(base.__file__).parent


def test_two_factor_sign_in_is_required_by_default():
    assert base.MOTCUA_TWO_FACTOR_REQUIRED is True
    assert "motcua.accounts.middleware.TwoFactorMiddleware" in base.MIDDLEWARE
    for name in ("production.py", "local.py"):
        assert "MOTCUA_TWO_FACTOR_REQUIRED" not in (SETTINGS / name).read_text()


def test_the_demo_exemption_cannot_work_in_production():
    assert "MOTCUA_ALLOW_DEMO_DATA = False" in (SETTINGS / "production.py").read_text()

"""The dossiers tests' world (the 2026 calendar, the small province, the promotion procedure
2.000004 of 5 working days decided by Sở Công Thương, its officers) for the reports tests."""

from motcua.dossiers.tests.conftest import _english, receive, world  # noqa: F401

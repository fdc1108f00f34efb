import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    """Domain tests assert the English msgids; the Vietnamese texts are tested separately."""
    with translation.override("en"):
        yield

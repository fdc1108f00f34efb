"""The compiled notification texts (texts._render) are the templates' own rendering."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.template.loader import render_to_string
from django.test import override_settings
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.notifications import texts

ICT = ZoneInfo("Asia/Ho_Chi_Minh")
TEMPLATES = [f"notifications/{kind}.txt" for kind in sorted(texts.KINDS)] + [
    f"notifications/{kind}.sms.txt" for kind in sorted(texts.KINDS)
]

# Text with what could trip a substitution: accents, %, braces, backslashes, newlines, spaces.
words = st.text(
    alphabet=st.sampled_from(list("aăâđêôơưáàảãạ AĐ%(){}\\$0129.-/\n\t\"'<>&")), max_size=30
)
moments = st.one_of(
    st.none(),
    st.datetimes(
        min_value=dt.datetime(2020, 1, 1),
        max_value=dt.datetime(2035, 12, 31),
        timezones=st.sampled_from([ICT, dt.UTC]),
    ),
)


@st.composite
def contexts(draw: st.DrawFn) -> dict[str, Any]:
    context: dict[str, Any] = {
        key: draw(words)
        for key in (
            "code",
            "procedure_name",
            "applicant_name",
            "agency_name",
            "deciding_agency_name",
            "pin",
            "reason",
            "return_method",
            "tracking_url",
            "tracking_page",
            "portal_url",
            "province",
        )
    }
    for key in texts.WHEN_KEYS:
        context[key] = draw(moments)
    context["items"] = draw(st.lists(words, max_size=4))
    context["kind"] = draw(st.sampled_from(sorted(texts.KINDS)))
    return texts.when_values(context)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    context=contexts(), template=st.sampled_from(TEMPLATES), language=st.sampled_from(["vi", "en"])
)
def test_the_compiled_text_is_the_templates_rendering(
    context: dict[str, Any], template: str, language: str
) -> None:
    with translation.override(language):
        assert texts._render(template, context) == render_to_string(template, context)
        # A second time from the compiled form (the first may have compiled it).
        assert texts._render(template, context) == render_to_string(template, context)


def test_every_notification_template_compiles() -> None:
    """None of them prints a value the markers cannot stand for (which would make it fall
    back to the template, correct but slow)."""
    texts._COMPILED.clear()
    context = texts.when_values(
        {
            "code": "H11.01.01-261207-0001",
            "items": ["Bản sao CCCD"],
            "reason": "Thiếu chữ ký",
            "tracking_url": "https://x.example/t/1/",
            **{key: dt.datetime(2026, 12, 7, 8, tzinfo=ICT) for key in texts.WHEN_KEYS},
        }
    )
    with translation.override("vi"):
        for template in TEMPLATES:
            texts._render(template, context)
    assert texts._COMPILED
    assert all(compiled is not None for compiled in texts._COMPILED.values())


def test_a_date_printed_without_its_text_form_falls_back_to_the_template() -> None:
    """A template that prints a date itself depends on more than the shape: not compiled."""
    engine = {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "OPTIONS": {
            "loaders": [
                (
                    "django.template.loaders.locmem.Loader",
                    {"t.txt": '{{ name }} {{ at|date:"d/m/Y" }}'},
                )
            ]
        },
    }
    with override_settings(TEMPLATES=[engine]):
        first = {"name": "An", "at": dt.datetime(2026, 1, 2, tzinfo=ICT)}
        second = {"name": "Bình", "at": dt.datetime(2026, 3, 4, tzinfo=ICT)}
        assert texts._render("t.txt", first) == "An 02/01/2026"
        assert texts._render("t.txt", second) == "Bình 04/03/2026"
        assert list(texts._COMPILED.values()) == [None]


def test_a_value_holding_the_marker_is_rendered_by_the_template() -> None:
    context = texts.when_values({"code": "A\x00B", "items": [], "tracking_url": ""})
    with translation.override("vi"):
        assert texts._render("notifications/cancelled.sms.txt", context) == render_to_string(
            "notifications/cancelled.sms.txt", context
        )


@pytest.mark.parametrize(
    ("fmt", "expected"), [("text", "07:05 02/01/2026"), ("date", "02/01/2026")]
)
def test_dates_print_as_the_date_filter_did(fmt: str, expected: str) -> None:
    from django.template import defaultfilters
    from django.utils.timezone import template_localtime

    moment = dt.datetime(2026, 1, 2, 0, 5, tzinfo=dt.UTC)
    when = texts.When(moment, texts.WHEN_FORMATS[fmt])
    assert str(when) == expected
    assert str(when) == defaultfilters.date(template_localtime(moment), texts.WHEN_FORMATS[fmt])
    assert str(texts.When(None, texts.WHEN_FORMATS[fmt])) == ""
    assert not texts.When(None, texts.WHEN_FORMATS[fmt])


def test_a_lazy_or_unknown_value_is_rendered_by_the_template() -> None:
    """A value the markers do not stand for (a lazy translation, an object) is never frozen
    into a compiled text: each context renders its own."""
    from django.utils.translation import gettext_lazy

    texts._COMPILED.clear()
    with translation.override("vi"):
        for reason in (gettext_lazy("Refused"), gettext_lazy("Received")):
            context = texts.when_values({"code": "H11-1", "reason": reason, "items": []})
            assert texts._render("notifications/cancelled.txt", context) == render_to_string(
                "notifications/cancelled.txt", context
            )
    assert not texts._COMPILED

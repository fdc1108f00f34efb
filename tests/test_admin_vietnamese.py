"""The admin site in Vietnamese (issue 17, item 17): every model and field has a Vietnamese
name, yes/no icons and the search icon say "Có"/"Không"/"Tìm kiếm", permissions are named in
Vietnamese, calendar days read "01/01/2026: Ngày nghỉ (…)", the demo's group is "Quản trị tỉnh"
and the navigation landmarks are "Điều hướng …"."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.utils import translation
from django.utils.functional import Promise

from motcua.dossiers.tests.conftest import act, at, receive, world  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

#: English a Vietnamese admin page showed (model names, Django's yes/no and search icons'
#: alt text, the shared timestamps, stored codes), in its text or its alt/title/aria-label.
ENGLISH = [
    "dossier code counter",
    "dossier document",
    "dossier event",
    "dossier step",
    "draft file",
    "audit entry",
    "audit entries",
    "Created at",
    "Updated at",
    "False",
    "True",
    "None",
    "Search",
    "day_off",
    "working_day",
    "Core",
    "Can view",
    "Can add",
]


def _superuser(django_user_model):
    return django_user_model.objects.create_superuser(
        username="quantri", password="mat-khau-dai-2026", email="quantri@example.vn"
    )


def _visible(html: str) -> str:
    """What a person reads or hears: the text of the page, and the attributes read aloud (alt,
    title, aria-label) written as `alt="…"`; no scripts, styles, links or form values."""
    html = re.sub(r"<script.*?</script>|<style.*?</style>", " ", html, flags=re.S)
    spoken = re.findall(r'\b(alt|title|aria-label)="([^"]*)"', html)
    text = re.sub(r"<[^>]+>", " ", html)
    return " ".join(text.split() + [f'{name}="{value}"' for name, value in spoken])


def _words(page: str) -> set[str]:
    return set(re.findall(r"[\w-]+", page))


def _english_in(page: str) -> list[str]:
    words = _words(page)
    return [e for e in ENGLISH if (e in words if " " not in e else e in page)]


@pytest.fixture
def admin_vi(client, django_user_model):
    client.force_login(_superuser(django_user_model))
    client.cookies["django_language"] = "vi"
    return client


def test_every_model_and_field_of_motcua_has_a_translated_name():
    untranslated = []
    for model in apps.get_models():
        if not model.__module__.startswith("motcua."):
            continue
        opts = model._meta
        if not isinstance(opts.verbose_name, Promise):
            untranslated.append(f"{opts.label}: verbose_name")
        # Without its own, Django's plural is the English name + "s", never translated.
        if "verbose_name_plural" not in opts.original_attrs or not isinstance(
            opts.verbose_name_plural, Promise
        ):
            untranslated.append(f"{opts.label}: verbose_name_plural")
        for field in opts.get_fields():
            if field.auto_created or not hasattr(field, "verbose_name"):
                continue
            if not isinstance(field.verbose_name, Promise):
                untranslated.append(f"{opts.label}.{field.name}")
    assert untranslated == []


def test_the_names_are_vietnamese():
    from motcua.core.models import AuditEntry
    from motcua.dossiers.models import Dossier, DossierEvent, DossierStep

    with translation.override("vi"):
        assert str(AuditEntry._meta.verbose_name_plural) == "nhật ký thao tác"
        assert str(DossierStep._meta.verbose_name) == "bước xử lý hồ sơ"
        assert str(DossierEvent._meta.verbose_name) == "sự kiện xử lý hồ sơ"
        assert str(Dossier._meta.get_field("created_at").verbose_name) == "thời điểm tạo"
        assert str(Dossier._meta.get_field("updated_at").verbose_name) == "thời điểm cập nhật"
        model = apps.get_model("dossiers", "DossierCodeCounter")
        assert str(model._meta.verbose_name) == "bộ đếm mã hồ sơ"
        assert str(apps.get_model("dossiers", "DraftFile")._meta.verbose_name) == (
            "tệp của hồ sơ nháp"
        )


def test_admin_lists_of_dossiers_events_steps_audit_and_calendar_are_vietnamese(
    admin_vi,
    world,  # noqa: F811
    receive,  # noqa: F811
):
    from motcua.calendar.api import calendar_day_set

    d = receive(at(2026, 3, 2, 9, 0))
    act(d, world["users"]["desk"], "forward", at(2026, 3, 2, 10, 0))
    calendar_day_set(date=dt.date(2026, 3, 10), kind="day_off", reason="Nghỉ đột xuất")
    expected = {
        "/admin/dossiers/dossier/": ["Chọn hồ sơ để xem", "Mã hồ sơ", "Người nộp"],
        "/admin/dossiers/dossierevent/": [
            "Sự kiện xử lý hồ sơ",
            "Trạng thái sau",
            "Đã tiếp nhận",
            "Tiếp nhận hồ sơ",
            "Chuyển bước tiếp theo",
        ],
        "/admin/dossiers/dossierstep/": ["Bước xử lý hồ sơ", "Người xử lý", "Hạn xử lý"],
        "/admin/core/auditentry/": ["Nhật ký thao tác", "Người thực hiện", "Loại đối tượng"],
        "/admin/workcalendar/calendarday/": ["Ngày trong lịch", "Ngày nghỉ", 'alt="Tìm kiếm"'],
        "/admin/accounts/agency/": ["Mã tạm", 'alt="Không"'],
        "/admin/": ["Hệ thống", "Nhật ký thao tác", "Bước xử lý hồ sơ", "Sự kiện xử lý hồ sơ"],
    }
    for url, texts in expected.items():
        response = admin_vi.get(url)
        assert response.status_code == 200, url
        page = _visible(response.content.decode())
        for text in texts:
            assert text in page, (url, text)
        assert _english_in(page) == [], url
        if "/dossierevent/" in url:  # actions and statuses by their labels, not their codes
            assert not {"accept", "forward", "received", "processing"} & _words(page), url


def test_admin_pages_of_one_dossier_event_step_and_calendar_day(
    admin_vi,
    world,  # noqa: F811
    receive,  # noqa: F811
):
    from motcua.calendar.api import calendar_day_set
    from motcua.calendar.models import CalendarDay
    from motcua.core.models import AuditEntry
    from motcua.dossiers.models import DossierEvent, DossierStep

    d = receive(at(2026, 3, 2, 9, 0))

    calendar_day_set(date=dt.date(2026, 3, 10), kind="day_off", reason="Nghỉ đột xuất")
    day = CalendarDay.objects.get(date=dt.date(2026, 3, 10))
    event = DossierEvent.objects.get(dossier=d, action="accept")
    step = DossierStep.objects.filter(dossier=d).order_by("position").first()
    entry = AuditEntry.objects.exclude(action__startswith="calendar_day").first()
    pages = {
        f"/admin/dossiers/dossier/{d.pk}/change/": [
            "Thời điểm tạo",
            "Thời điểm cập nhật",
            "Đã gia hạn (có văn bản xin lỗi)",
            'alt="Không"',
        ],
        f"/admin/dossiers/dossierevent/{event.pk}/change/": ["Trạng thái sau", "Đã tiếp nhận"],
        f"/admin/dossiers/dossierstep/{step.pk}/change/": [
            "Loại: Tiếp nhận",
            "Cán bộ Bộ phận Một cửa",
        ],
        f"/admin/core/auditentry/{entry.pk}/change/": ["Mã đối tượng", "Người thực hiện"],
        f"/admin/workcalendar/calendarday/{day.pk}/change/": [
            "10/03/2026: Ngày nghỉ (Nghỉ đột xuất)"
        ],
    }
    for url, texts in pages.items():
        response = admin_vi.get(url)
        assert response.status_code == 200, url
        page = _visible(response.content.decode())
        for text in texts:
            assert text in page, (url, text)
        assert _english_in(page) == [], url
        if "/dossierevent/" in url or "/dossierstep/" in url:  # stored codes, shown as labels
            assert not {"intake", "desk_officer", "received", "accept"} & _words(page), url
    # Read only: nothing to save, add or delete.
    assert admin_vi.get("/admin/dossiers/dossier/add/").status_code == 403
    assert admin_vi.post(
        f"/admin/dossiers/dossier/{d.pk}/delete/", {"post": "yes"}
    ).status_code in (403,)
    assert admin_vi.get("/admin/core/auditentry/add/").status_code == 403


def test_permissions_are_named_in_vietnamese(admin_vi):
    page = admin_vi.get("/admin/auth/group/add/").content.decode()
    assert ">Xem hồ sơ<" in page
    assert ">Thêm ngày trong lịch<" in page
    assert ">Xem bộ đếm mã hồ sơ<" in page
    assert "Can view" not in page and "Can add" not in page
    # A permission of another kind keeps its name.
    from motcua.accounts.admin import permission_label

    custom = Permission(
        codename="publish_procedure",
        name="Publish procedures",
        content_type=Permission.objects.get(codename="view_procedure").content_type,
    )
    assert permission_label(custom) == "Publish procedures"


def test_a_calendar_day_reads_as_a_date_and_its_kind():
    from motcua.calendar.models import CalendarDay

    with translation.override("vi"):
        assert str(
            CalendarDay(date=dt.date(2026, 1, 1), kind="day_off", reason="Tết Dương lịch")
        ) == ("01/01/2026: Ngày nghỉ (Tết Dương lịch)")
        assert str(CalendarDay(date=dt.date(2026, 4, 25), kind="working_day", reason="")) == (
            "25/04/2026: Ngày làm việc"
        )


def test_the_demo_group_of_province_administrators_is_named_in_vietnamese():
    from motcua.demo import loader

    group = loader._admin_group()
    assert group.name == "Quản trị tỉnh"
    assert group.permissions.filter(codename="view_calendarday").exists()
    # A database loaded before: its group keeps its members under the new name.
    group.delete()
    old = Group.objects.create(name="Province administrators")
    assert loader._admin_group().pk == old.pk
    assert list(Group.objects.values_list("name", flat=True)) == ["Quản trị tỉnh"]


def test_the_navigation_landmarks_are_named_in_vietnamese(client, world):  # noqa: F811
    client.cookies["django_language"] = "vi"
    home = client.get("/").content.decode()
    assert 'aria-label="Điều hướng chính"' in home
    assert "Menu chính" not in home
    client.force_login(world["users"]["desk"])
    desk = client.get("/desk/").content.decode()
    assert 'aria-label="Điều hướng Bộ phận Một cửa"' in desk
    assert "Menu Bộ phận Một cửa" not in desk

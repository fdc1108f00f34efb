"""The personal data of the sender out of published texts, wherever and however written."""

from __future__ import annotations

from motcua.pakn.redaction import MASK, redact


def test_names_match_without_accents_or_case_and_across_spaces():
    text = "Ông LÒ VĂN MINH, ông lo van minh, ông Lò  Văn\nMinh, anh Văn Minh; ông Minh Tuấn."
    out = redact(text, name="Lò Văn Minh")
    assert out == f"Ông {MASK}, ông {MASK}, ông {MASK}, anh {MASK}; ông Minh Tuấn."


def test_a_name_inside_another_word_is_kept():
    assert redact("Lò Văn Minhh", name="Lò Văn Minh") == "Lò Văn Minhh"


def test_phone_numbers_in_any_spelling():
    for written in ("0912345678", "0912 345 678", "0912.345.678", "+84 912 345 678", "84912345678"):
        assert redact(f"gọi {written} nhé", phone="0912345678") == f"gọi {MASK} nhé", written
    assert redact("số 10912345678", phone="0912345678") == "số 10912345678"


def test_id_number_email_address_and_marks():
    text = "CCCD 011 095 001 234, thư MINH@example.VN, ở Tổ 5, phường Điện Biên Phủ; bà Hoa."
    out = redact(
        text,
        id_number="011095001234",
        email="minh@example.vn",
        address="Tổ 5, phường Điện Biên Phủ",
        marks=["ba hoa", "x"],
    )
    assert out == f"CCCD {MASK}, thư {MASK}, ở {MASK}; {MASK}."


def test_decomposed_input_is_normalised_first():
    import unicodedata

    text = unicodedata.normalize("NFD", "Ông Lò Văn Minh hỏi")
    assert redact(text, name="Lò Văn Minh") == f"Ông {MASK} hỏi"


def test_nothing_to_hide_leaves_the_text():
    assert redact("Nội dung", name="", phone="12") == "Nội dung"

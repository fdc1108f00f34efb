"""Vietnamese text: folding for accent- and case-insensitive search, amounts in figures."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^\w\s.]", re.UNICODE)


def nfc(value: str) -> str:
    """Normalise to NFC: the same word typed on two keyboards compares equal."""
    return unicodedata.normalize("NFC", value)


def fold(value: str) -> str:
    """Lower-case, strip Vietnamese diacritics (đ → d), collapse spaces.

    >>> fold("Đăng ký  HOẠT ĐỘNG khuyến mại")
    'dang ky hoat dong khuyen mai'
    """
    text = unicodedata.normalize("NFD", value.casefold())
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    text = text.replace("đ", "d")
    text = _NON_WORD.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def strip_accents(value: str) -> str:
    """Drop the Vietnamese diacritics and keep the rest (case, spaces, punctuation): for
    ASCII-only places such as e-mail addresses or a standard PDF font.

    >>> strip_accents("Điện Biên Phủ")
    'Dien Bien Phu'
    """
    text = unicodedata.normalize("NFD", value)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return text.replace("đ", "d").replace("Đ", "D")


def search_words(query: str) -> list[str]:
    """The folded words of a search query, without duplicates, in order."""
    seen: dict[str, None] = {}
    for word in fold(query).split(" "):
        word = word.strip(".")
        if word:
            seen.setdefault(word, None)
    return list(seen)


def vnd_figures(amount: int) -> str:
    """100000 → "100.000" (Vietnamese thousands separator, whatever the page's language)."""
    return f"{amount:,}".replace(",", ".")

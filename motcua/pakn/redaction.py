"""Personal data out of the published texts (ADR 0040): the sender's name, phone, e-mail,
address and ID number, and the strings the officer marks, replaced by "***" wherever they
appear. Names, addresses and marked strings match case- and accent-insensitively ("Lò Văn
Minh", "LO VAN MINH", "lò văn minh" alike), across any spacing; phone and ID numbers match
digit by digit through spaces, dots and dashes ("0912 345 678", "+84 912.345.678")."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

MASK = "***"
#: Marked strings shorter than this are ignored (hiding "a" everywhere would ruin the text).
MIN_MARK = 2


def _fold_char(ch: str) -> str:
    """One character, lower case, without diacritics (đ → d): one character for one, so a
    match in the folded text is at the same place in the original."""
    if ch in "đĐ":
        return "d"
    base = unicodedata.normalize("NFD", ch)[0].lower()
    return base if len(base) == 1 else ch


def fold_same_length(text: str) -> str:
    return "".join(_fold_char(ch) for ch in text)


def _words_pattern(value: str) -> str | None:
    words = fold_same_length(unicodedata.normalize("NFC", value)).split()
    if not words:
        return None
    body = r"\s+".join(re.escape(w) for w in words)
    return rf"(?<!\w){body}(?!\w)"


def _digits_pattern(value: str, *, phone: bool) -> str | None:
    digits = re.sub(r"\D", "", value)
    if phone:
        if digits.startswith("84") and len(digits) > 9:
            digits = digits[2:]
        digits = digits.lstrip("0")
    if len(digits) < 6:
        return None
    body = r"[\s.\-]?".join(digits)
    prefix = r"(?:(?:\+?84|0)[\s.\-]?)?" if phone else ""
    return rf"(?<!\d){prefix}{body}(?!\d)"


def name_variants(full_name: str) -> list[str]:
    """The full name, and for a name of three words or more its last two words (the way a
    person is often called: "Văn Minh")."""
    words = unicodedata.normalize("NFC", full_name).split()
    out = [" ".join(words)] if words else []
    if len(words) >= 3:
        out.append(" ".join(words[-2:]))
    return out


def redact(
    text: str,
    *,
    name: str = "",
    phone: str = "",
    email: str = "",
    address: str = "",
    id_number: str = "",
    marks: Iterable[str] = (),
) -> str:
    """`text` with every occurrence of the personal data replaced by MASK."""
    if not text:
        return text
    text = unicodedata.normalize("NFC", text)
    patterns: list[str] = []
    literal = [*name_variants(name), address, *marks]
    for value in sorted({v.strip() for v in literal if v and len(v.strip()) >= MIN_MARK}, key=len)[
        ::-1
    ]:
        pattern = _words_pattern(value)
        if pattern:
            patterns.append(pattern)
    if email.strip():
        patterns.append(re.escape(fold_same_length(email.strip())))
    for value, is_phone in ((phone, True), (id_number, False)):
        pattern = _digits_pattern(value, phone=is_phone) if value else None
        if pattern:
            patterns.append(pattern)
    if not patterns:
        return text
    folded = fold_same_length(text)
    spans: list[tuple[int, int]] = []
    for pattern in patterns:
        spans.extend(m.span() for m in re.finditer(pattern, folded) if m.end() > m.start())
    if not spans:
        return text
    spans.sort()
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, pos = [], 0
    for start, end in merged:
        out.append(text[pos:start])
        out.append(MASK)
        pos = end
    out.append(text[pos:])
    return "".join(out)

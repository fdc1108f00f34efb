"""The demo's applicants: people and organisations of Điện Biên with plausible names, ID
numbers (CCCD structure), tax codes (with their check digit), phones and addresses, drawn
from the seeded random generator; and the demo citizen's own applicant data."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from motcua.core.text import strip_accents
from motcua.demo.accounts import DEMO_CITIZEN_PROFILE
from motcua.demo.texts import (
    FAMILY,
    FEMALE,
    HAMLETS,
    HMONG,
    HMONG_FEMALE,
    HMONG_MALE,
    MALE,
    ORG_NAMES,
    OTHER_PROVINCES,
    PHONE_PREFIXES,
)
from motcua.dossiers.data import ApplicantData

TAX_WEIGHTS = [31, 29, 23, 19, 17, 13, 7, 5, 3]


def _id_number(rng: random.Random, born: dt.date, female: bool, province: str = "011") -> str:
    century = (born.year // 100 - 19) * 2 + (1 if female else 0)
    return f"{province}{century}{born.year % 100:02d}{rng.randrange(1_000_000):06d}"


def _tax_code(rng: random.Random) -> str:
    while True:
        digits = [5, 6] + [rng.randrange(10) for _ in range(7)]
        check = 10 - sum(w * d for w, d in zip(TAX_WEIGHTS, digits, strict=True)) % 11
        if check < 10:
            return "".join(map(str, digits)) + str(check)


@dataclass(frozen=True)
class Person:
    name: str
    female: bool
    born: dt.date
    id_number: str


@dataclass(frozen=True)
class Applicant:
    data: ApplicantData
    receiver_name: str  # who collects the result: the person, or the representative
    receiver_id: str


class Applicants:
    def __init__(self, rng: random.Random, communes: list[tuple[int, str]]) -> None:
        self.rng = rng
        self.communes = communes
        self.commune_names = dict(communes)

    def person(self, *, adult_from: int = 1952, adult_to: int = 2006) -> Person:
        rng = self.rng
        family = rng.choice(FAMILY)
        female = rng.random() < 0.5
        if family in HMONG:
            given = rng.choice(HMONG_FEMALE if female else HMONG_MALE)
        else:
            given = rng.choice(FEMALE if female else MALE)
        born = dt.date(rng.randint(adult_from, adult_to), rng.randint(1, 12), rng.randint(1, 28))
        province = "011" if rng.random() < 0.85 else rng.choice(OTHER_PROVINCES)
        return Person(f"{family} {given}", female, born, _id_number(rng, born, female, province))

    def phone(self) -> str:
        prefix = self.rng.choice(PHONE_PREFIXES)
        return prefix + "".join(str(self.rng.randrange(10)) for _ in range(10 - len(prefix)))

    def address(self, commune_code: int) -> str:
        name = self.commune_names[commune_code]
        where = name[0].lower() + name[1:]
        if name.startswith("Phường"):
            street = f"Tổ dân phố {self.rng.randint(1, 18)}"
        else:
            street = f"Bản {self.rng.choice(HAMLETS)}"
        return f"{street}, {where}, tỉnh Điện Biên"

    def make(self, *, kinds: list[str], commune_code: int | None, dept: str) -> Applicant:
        rng = self.rng
        code = commune_code if commune_code is not None else rng.choice(self.communes)[0]
        kind = (
            "organisation"
            if "person" not in kinds or ("organisation" in kinds and rng.random() < 0.35)
            else "person"
        )
        if kind == "person":
            p = self.person()
            email = ""
            if rng.random() < 0.3:
                email = (
                    strip_accents(p.name).lower().replace(" ", "")
                    + f"{p.born.year % 100}@gmail.com"
                )
            data = ApplicantData(
                kind="person",
                full_name=p.name,
                id_number=p.id_number,
                date_of_birth=p.born,
                phone=self.phone(),
                email=email,
                address=self.address(code),
                commune_code=code,
            )
            return Applicant(data, p.name, p.id_number)
        rep = self.person(adult_to=1995)
        name = rng.choice(ORG_NAMES.get(dept, ORG_NAMES["commune"]))
        domain = "".join(strip_accents(w).lower() for w in name.split()[-2:])
        data = ApplicantData(
            kind="organisation",
            name=name,
            tax_code=_tax_code(rng),
            representative=rep.name,
            phone=self.phone(),
            email=f"lienhe@{domain}.vn",
            address=self.address(code),
            commune_code=code,
        )
        return Applicant(data, rep.name, rep.id_number)


# The citizen demo account (loader.DEMO_ACCOUNTS "congdan"): her own online dossiers, with
# the data of her verified profile (accounts.DEMO_CITIZEN_PROFILE), as the portal fills them in.
_ME = DEMO_CITIZEN_PROFILE
CONGDAN = Applicant(
    ApplicantData(
        kind=_ME["kind"],
        full_name=_ME["full_name"],
        id_number=_ME["id_number"],
        date_of_birth=_ME["date_of_birth"],
        phone=_ME["phone"],
        email=_ME["email"],
        address=f"{_ME['address']}, phường Điện Biên Phủ, tỉnh Điện Biên",
        commune_code=_ME["commune_code"],
    ),
    _ME["full_name"],
    _ME["id_number"],
)

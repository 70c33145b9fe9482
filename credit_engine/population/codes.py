"""Identifiers of synthetic subjects: USCCs, resident ID numbers and licence numbers.

Every code is derived from the subject's index through a seed-keyed bijection, so codes
are unique within a population by construction (no set of used codes is kept, which
keeps the streaming generator's memory bounded).
"""

from __future__ import annotations

from datetime import date
from math import gcd

from credit_engine.domain.identifiers import USCC_ALPHABET, id_check_digit, uscc_check_char

# GB 11714 organisation code check (the 9 characters inside a USCC).
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_VALUE = {ch: int(ch, 36) for ch in USCC_ALPHABET}

# Registration authority + subject type prefixes (GB 32100): 91 company, 92 individual
# business, 93 farmers' cooperative, 12 public institution (school or hospital canteens).
COMPANY, INDIVIDUAL, COOPERATIVE, INSTITUTION = "91", "92", "93", "12"

# Birth dates of synthetic persons: 1958-01-01 .. 1998-12-31.
_BIRTH_FIRST = date(1958, 1, 1).toordinal()
_BIRTH_DAYS = date(1998, 12, 31).toordinal() - _BIRTH_FIRST + 1
_ID_SEQUENCES = 999  # 001..999; odd = male, even = female (GB 11643)


class AffinePermutation:
    """A bijection of range(size): i -> (a*i + b) mod size, keyed by a seed."""

    def __init__(self, size: int, seed: int, salt: int) -> None:
        self.size = size
        a = (seed * 2_654_435_761 + salt * 40_503 + 1_000_003) % size or 1
        while gcd(a, size) != 1:
            a = a + 1 if a + 1 < size else 1
        self.a = a
        self.b = (seed * 97 + salt * 7_919) % size

    def __call__(self, index: int) -> int:
        return (self.a * index + self.b) % self.size


def org_code_check(first8: str) -> str:
    """The GB 11714 check character of an 8-character organisation code body."""
    total = sum(_ORG_VALUE[ch] * w for ch, w in zip(first8, _ORG_WEIGHTS))
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def _base31(number: int, width: int) -> str:
    chars = []
    for _ in range(width):
        number, digit = divmod(number, 31)
        chars.append(USCC_ALPHABET[digit])
    return "".join(reversed(chars))


class UsccFactory:
    """USCCs for enterprise indexes: new-style `MA` codes or pre-2015 numeric codes."""

    def __init__(self, seed: int) -> None:
        self._numeric = AffinePermutation(10**8, seed, 1)
        self._ma = AffinePermutation(31**6, seed, 2)

    def make(self, index: int, prefix: str, area_code: str, old_style: bool) -> str:
        """An 18-character USCC with valid GB 11714 and GB 32100 check characters."""
        if old_style:
            body = f"{self._numeric(index):08d}"
        else:
            body = "MA" + _base31(self._ma(index), 6)
        first17 = prefix + area_code + body + org_code_check(body)
        return first17 + uscc_check_char(first17)


class IdNumberFactory:
    """Resident ID numbers for person indexes, unique within a population by construction."""

    def __init__(self, seed: int, area_codes: tuple[str, ...]) -> None:
        self.area_codes = area_codes
        size = len(area_codes) * _BIRTH_DAYS * _ID_SEQUENCES
        self._permutation = AffinePermutation(size, seed, 3)

    @property
    def capacity(self) -> int:
        """How many distinct ID numbers this factory can make."""
        return self._permutation.size

    def make(self, index: int) -> str:
        """An 18-character resident ID with a valid MOD 11-2 check digit."""
        k = self._permutation(index)
        k, area = divmod(k, len(self.area_codes))
        sequence, day = divmod(k, _BIRTH_DAYS)
        born = date.fromordinal(_BIRTH_FIRST + day)
        first17 = f"{self.area_codes[area]}{born:%Y%m%d}{sequence + 1:03d}"
        return first17 + id_check_digit(first17)


def birth_date(id_number: str) -> date:
    """The birth date written in a resident ID number."""
    return date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


def is_male(id_number: str) -> bool:
    """GB 11643: an odd sequence digit (the 17th character) means male."""
    return int(id_number[16]) % 2 == 1


def licence_number(category: str, area_code: str, index: int, food_code: str) -> str:
    """A food business (JY), production (SC) or small-workshop registration number."""
    serial = f"{index % 10**7:07d}"
    if category == "production":
        return f"SC{food_code}{area_code}{serial[-5:]}"
    if category == "small_workshop":
        return f"GSXZF{area_code}{serial[-6:]}"
    kind = {"retail": "1", "catering": "2", "canteen": "3"}[category]
    return f"JY{kind}{area_code}{serial}"

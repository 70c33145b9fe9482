"""Subject keys: USCC (GB 32100) and resident ID (GB 11643, ISO 7064 MOD 11-2), and masking.

The checks are python-stdnum's (`stdnum.cn.uscc`, `stdnum.cn.ric`); this module only puts
its exceptions into the service's own words. Input is never "cleaned" first (stdnum's
`compact` would turn full-width digits or separators into a valid key): what is checked
is exactly what would be stored.
"""

from __future__ import annotations

from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidComponent

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_ASCII_DIGITS = frozenset("0123456789")


def uscc_check_char(first17: str) -> str:
    """The GB 32100 check character of the first 17 characters."""
    return str(uscc.calc_check_digit(first17[:17]))


def uscc_problem(code: str) -> str | None:
    """Why `code` is not a valid USCC, or None when it is.

    The check character is stdnum's; the layout is checked here rather than with
    `uscc.validate`, which also demands digits in the first two places although GB 32100
    allows letters there (registration authorities A, N and Y: military, agriculture,
    others), so it would refuse real codes.
    """
    if len(code) != 18:
        return "must be 18 characters"
    bad = sorted({ch for ch in code if ch not in USCC_ALPHABET})
    if bad:
        return f"contains characters not allowed in a USCC: {''.join(bad)}"
    if not set(code[2:8]) <= _ASCII_DIGITS:
        return "characters 3 to 8 (the region code) must be digits"
    if uscc.calc_check_digit(code) != code[17]:
        return "check character does not match (GB 32100)"
    return None


def id_check_digit(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character of a resident ID's first 17 digits."""
    return str(ric.calc_check_digit(first17[:17] + "0"))  # stdnum wants a placeholder check


def id_number_problem(number: str) -> str | None:
    """Why `number` is not a valid 18-character resident ID, or None when it is.

    The birth date (characters 7 to 14) must be a real calendar date; the region code is
    not looked up (stdnum's register of counties is incomplete for old numbers).
    """
    if len(number) != 18:
        return "must be 18 characters"
    if not set(number[:17]) <= _ASCII_DIGITS:
        return "the first 17 characters must be digits"
    if number[17] not in "0123456789X":
        return "the last character must be a digit or X"
    if ric.calc_check_digit(number) != number[17]:
        return "check digit does not match (ISO 7064 MOD 11-2)"
    try:
        ric.get_birth_date(number)
    except (InvalidComponent, ValueError):
        return f"the birth date {number[6:10]}-{number[10:12]}-{number[12:14]} is not a valid date"
    return None


def mask_id_number(number: str) -> str:
    """First 6 and last 4 characters shown: 620902********1234."""
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_name(name: str) -> str:
    """Only the first character shown, always followed by two stars (hides the length): 张**."""
    return name[:1] + "**"

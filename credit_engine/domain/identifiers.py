"""Subject keys: USCC (GB 32100) and resident ID (GB 11643, ISO 7064 MOD 11-2), and masking."""

from __future__ import annotations

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def uscc_check_char(first17: str) -> str:
    """The GB 32100 check character of the first 17 characters."""
    total = sum(USCC_ALPHABET.index(ch) * w for ch, w in zip(first17, _USCC_WEIGHTS))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def uscc_problem(code: str) -> str | None:
    """Why `code` is not a valid USCC, or None when it is."""
    if len(code) != 18:
        return "must be 18 characters"
    bad = [ch for ch in code if ch not in USCC_ALPHABET]
    if bad:
        return f"contains characters not allowed in a USCC: {''.join(sorted(set(bad)))}"
    if uscc_check_char(code[:17]) != code[17]:
        return "check character does not match (GB 32100)"
    return None


def id_check_digit(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character of a resident ID's first 17 digits."""
    total = sum(int(ch) * w for ch, w in zip(first17, _ID_WEIGHTS))
    return _ID_CHECK[total % 11]


def id_number_problem(number: str) -> str | None:
    """Why `number` is not a valid 18-character resident ID, or None when it is."""
    if len(number) != 18:
        return "must be 18 characters"
    if not number[:17].isdigit() or not number[:17].isascii():
        return "the first 17 characters must be digits"
    if number[17] not in "0123456789X":
        return "the last character must be a digit or X"
    if id_check_digit(number[:17]) != number[17]:
        return "check digit does not match (ISO 7064 MOD 11-2)"
    return None


def mask_id_number(number: str) -> str:
    """First 6 and last 4 characters shown: 620902********1234."""
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_name(name: str) -> str:
    """Only the first character shown, always followed by two stars (hides the length): 张**."""
    return name[:1] + "**"

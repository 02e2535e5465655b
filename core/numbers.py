"""Numbers as people write them: shown with thousands separators and no trailing zeros, money
with a pound sign and income (negative amounts) in brackets; and read back from what people
type ("1,473,000", "£1,473,000" and "1473000" are the same amount).

Pure functions over Decimals, shared by the admin, the pages and the spreadsheets.
"""

import re
from decimal import Decimal, InvalidOperation

#: What a person may type for an amount: an optional minus or brackets, an optional pound sign,
#: digits with or without thousands separators in the right places, an optional decimal part.
_TYPED_NUMBER = re.compile(
    r"""^(?P<open>\()?\s*(?P<minus>-)?\s*£?\s*
        (?P<digits>\d{1,3}(,\d{3})+|\d+)(?P<fraction>\.\d+)?
        \s*(?P<percent>%)?\s*(?P<close>\))?$""",
    re.VERBOSE,
)

NUMBER_HINT = "Enter a number, like 4,543 or 4543.5"
MONEY_HINT = "Enter an amount in pounds, like £1,473,000 or 1473000"


class UnreadableNumber(ValueError):
    """Text that is not a number as people write one; the message says what to type."""


def parse_number(text, *, hint: str = NUMBER_HINT) -> Decimal | None:
    """The Decimal a person meant by `text`; None for blank. Accepts thousands separators,
    a pound sign, a trailing percent sign and income in brackets: "(£93,000)" is -93000."""
    if text is None:
        return None
    if isinstance(text, Decimal | int):
        return Decimal(text)
    cleaned = str(text).strip()
    if not cleaned:
        return None
    match = _TYPED_NUMBER.match(cleaned)
    if (
        not match
        or bool(match["open"]) != bool(match["close"])
        or (match["open"] and match["minus"])
    ):
        raise UnreadableNumber(f"{cleaned!r} is not a number. {hint}.")
    try:
        value = Decimal(match["digits"].replace(",", "") + (match["fraction"] or ""))
    except InvalidOperation as error:  # pragma: no cover - the pattern admits only digits
        raise UnreadableNumber(f"{cleaned!r} is not a number. {hint}.") from error
    return -value if match["minus"] or match["open"] else value


def _plain(value: Decimal, places: int | None) -> str:
    if places is not None:
        return f"{value:,.{places}f}"
    # No trailing zeros: 4543.0000 -> 4,543; 70.90 -> 70.9.
    normalised = value.normalize()
    if normalised == normalised.to_integral_value():
        return f"{normalised.to_integral_value():,f}"
    return f"{normalised:,f}"


def format_number(value, *, places: int | None = None) -> str:
    """4543.0000 -> "4,543"; 70.90 -> "70.9"; None -> "". `places` fixes the decimals."""
    if value is None or value == "":
        return ""
    return _plain(Decimal(value), places)


def format_percent(value, *, places: int | None = None) -> str:
    """70.90 -> "70.9%"."""
    text = format_number(value, places=places)
    return f"{text}%" if text else ""


def format_money(amount, *, places: int | None = None, symbol: str = "£") -> str:
    """1473000.00 -> "£1,473,000"; -93000 (income) -> "(£93,000)"; 12.5 -> "£12.50"."""
    if amount is None or amount == "":
        return ""
    amount = Decimal(amount)
    if places is None:
        places = 0 if amount == amount.to_integral_value() else 2
    text = f"{symbol}{abs(amount):,.{places}f}"
    return f"({text})" if amount < 0 else text

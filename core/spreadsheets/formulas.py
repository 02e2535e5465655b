"""Formula escaping: text a spreadsheet program would run as a formula is written with an
apostrophe in front, and read back without it, so a sheet exported from here imports back to
the same text and no exported cell runs anything."""

# A text cell starting with one of these is run as a formula by spreadsheet programs.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value):
    """Prefix formula-like text with an apostrophe so no spreadsheet runs it; other values are
    returned unchanged, so numbers stay numbers.

    Text that already begins with apostrophes before a trigger ("'=x") gains one more, so that
    unescape_formula gives it back exactly rather than dropping its own apostrophe."""
    if isinstance(value, str) and value.lstrip("'").startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def unescape_formula(value):
    """Undo escape_formula, so an exported sheet imports back to the same text."""
    if (
        isinstance(value, str)
        and value.startswith("'")
        and value.lstrip("'").startswith(FORMULA_TRIGGERS)
    ):
        return value[1:]
    return value

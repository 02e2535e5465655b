"""Password rules beyond Django's own validators."""

from django.core.exceptions import ValidationError


def is_repeated_username(password: str, username: str) -> bool:
    """Whether the password is nothing but the username written twice or more, in any case
    ("staffstaff", "StaffStaff", "STAFFstaffStaff")."""
    password, username = password.casefold(), username.casefold()
    if not username or len(password) % len(username):
        return False
    return len(password) > len(username) and password == username * (len(password) // len(username))


class RepeatedUsernameValidator:
    """Refuses a password that is the username repeated. Django's similarity validator lets
    "staffstaff" through for the user staff: the repetition is long enough to look dissimilar,
    yet it is the first thing anyone guessing would try."""

    def validate(self, password, user=None):
        username = user.get_username() if user is not None else ""
        if is_repeated_username(password, username or ""):
            raise ValidationError(
                "Your password cannot be your username repeated.",
                code="password_is_repeated_username",
            )

    def get_help_text(self):
        return "Your password cannot be your username repeated."

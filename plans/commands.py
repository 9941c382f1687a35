"""What the management commands of every app read the same way."""

from django.core.management import CommandError

from plans.fiscal_years import requested_fiscal_year


def fiscal_year_option(value) -> int | None:
    """A command's --fy: "2021", "R3", "令和3年度" (from the command line) or 2021 (from call_command)."""
    if value is None or isinstance(value, int):
        return value
    try:
        return requested_fiscal_year(str(value))
    except ValueError as error:
        raise CommandError(str(error)) from None

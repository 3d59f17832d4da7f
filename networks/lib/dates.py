"""Calendar arithmetic the domain needs: months, not days (a term is 36 months)."""

import calendar
import datetime


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later; the 31st becomes the month's last day when needed."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def months_between(start: datetime.date, end: datetime.date) -> int:
    """Whole months from start to end (negative when end is before start)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day:
        months -= 1
    return months


def first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def last_of_month(day: datetime.date) -> datetime.date:
    return add_months(first_of_month(day), 1) - datetime.timedelta(days=1)


def day(value: datetime.date) -> str:
    """A date as the reader's language writes it ("4 Apr 2024", "4 abr 2024"), for messages
    that name a date; the API's data and the exports keep ISO dates."""
    from django.utils.formats import date_format

    return date_format(value)

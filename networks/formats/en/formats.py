"""English as used in Chile: 1,234,567 grouping, and dates day first ("4 Apr 2024").

Django's English writes "April 4, 2024", "Nov. 4, 2023" and "12/04/2026": month first, which a
Chilean reads as the 12th of April. Pages write the month in letters, day first, and forms read
typed dates day first (the date pickers send ISO dates, read in every language).
"""

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3

DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y H:i"
SHORT_DATETIME_FORMAT = "j M Y H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
FIRST_DAY_OF_WEEK = 1  # Monday

# ISO first (what APIs and date pickers send), then day first; never month first.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d %b %Y", "%d %B %Y"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
]

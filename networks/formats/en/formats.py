"""English: Django's formats, with 1,234,567 grouping spelled out and day-first dashed dates
(27-11-2026, as Chilean documents write them) accepted in forms besides Django's own."""

from django.conf.locale.en import formats as _django

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
# Django's own list (ISO first), then the day-first dashed form.
DATE_INPUT_FORMATS = [*_django.DATE_INPUT_FORMATS, "%d-%m-%Y"]

"""What the API takes: strict input, so that nothing a client sends is silently dropped.

- Every serializer that reads a request body derives from `StrictSerializer` or
  `StrictModelSerializer`. Before the fields are checked, each key of the body is compared with
  the serializer's fields: a key that is no field is "unknown" (a misspelling), a read-only
  field is refused unless it carries the value the object already has (a client may send back
  the body of a GET). Both are 400s naming the key, together with the other fields' errors.
- Integers, ids above all, are JSON integers (or digits in a form's string): not 1.5, "1.5",
  true, "1e3" or 1.0, which a plain IntegerField or PrimaryKeyRelatedField would read as 1.
- The JSON parser answers a body nested too deeply for Python's parser with a 400.

tests/security/test_strict_input.py walks every write operation of the schema against these.
"""

import json
import re
from collections.abc import Mapping

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from rest_framework import parsers, serializers
from rest_framework.exceptions import ParseError
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject
from rest_framework.settings import api_settings
from rest_framework.utils import encoders

UNKNOWN_FIELD = _("Unknown field. The fields taken here are: %(fields)s.")
NO_FIELDS = _("Unknown field. This action takes no fields.")
READ_ONLY_FIELD = _("This field is read-only: leave it out, or send the value it has.")
READ_ONLY_ON_CREATE = _("This field is read-only: leave it out.")
JSON_TOO_DEEP = _("JSON parse error - the JSON is nested too deeply.")

# Keys a form-encoded body may carry for the framework rather than for the serializer.
FORM_CONTROL_KEYS = {"csrfmiddlewaretoken", api_settings.URL_FORMAT_OVERRIDE}
# A body of thousands of made-up keys gets a 400 naming the first ones, not a huge answer.
MAX_REPORTED_FIELDS = 20
INTEGER_TEXT = re.compile(r"-?[0-9]{1,30}")


# --- integers -------------------------------------------------------------------------------


def is_integer(data) -> bool:
    """A JSON integer, or the digits of one in a string (form bodies and query strings carry
    only strings). Not a bool, a float (1.0 included), or "1.5", "1e3", " 1"."""
    if isinstance(data, bool):
        return False
    if isinstance(data, int):
        return True
    return isinstance(data, str) and INTEGER_TEXT.fullmatch(data) is not None


class StrictIntegerField(serializers.IntegerField):
    def to_internal_value(self, data):
        if not is_integer(data):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """An id: Django would otherwise look up pk=1.5 (or pk=True) as pk=1."""

    def to_internal_value(self, data):
        if not is_integer(data):
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)


# --- unknown and read-only fields -----------------------------------------------------------


def _current(field, instance):
    """`field`'s value for `instance` as a GET would show it (as Serializer.to_representation)."""
    try:
        attribute = field.get_attribute(instance)
    except (SkipField, AttributeError, KeyError, ObjectDoesNotExist):
        return None
    check_for_none = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
    return None if check_for_none is None else field.to_representation(attribute)


def _form_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else json.dumps(value)


def _same(sent, current, *, form: bool) -> bool:
    """Whether `sent` is `current` once both are JSON (1 is not true, "5" is not 5)."""
    try:
        current = json.loads(json.dumps(current, cls=encoders.JSONEncoder))
        if form:
            return sent == _form_text(current)
        return json.dumps(sent, sort_keys=True) == json.dumps(current, sort_keys=True)
    except (TypeError, ValueError, RecursionError):
        return False


class StrictInputMixin:
    """Refuse unknown fields, and read-only fields sent with another value than they have.

    `read_serializer`: the serializer the endpoint answers with, when it is not this one (a
    separate write serializer); its other fields count as read-only here.
    """

    read_serializer = None

    def to_internal_value(self, data):
        problems = self.input_problems(data) if isinstance(data, Mapping) else {}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if problems and isinstance(exc.detail, dict):
                raise serializers.ValidationError({**problems, **exc.detail}) from None
            raise
        if problems:
            raise serializers.ValidationError(problems)
        return value

    def input_problems(self, data: Mapping) -> dict:
        writable = {name for name, field in self.fields.items() if not field.read_only}
        shown = {name: field for name, field in self.fields.items() if field.read_only}
        # Nested serializers have no instance of their own: what they are sent is new.
        instance = self.instance if self.parent is None else None
        if self.read_serializer is not None:
            read = self.read_serializer(instance, context=self.context)
            for name, field in read.fields.items():
                if name not in writable:
                    shown.setdefault(name, field)
        form = isinstance(data, QueryDict)
        problems = {}
        for key in data:
            if key in writable or (form and key in FORM_CONTROL_KEYS):
                continue
            if len(problems) == MAX_REPORTED_FIELDS:
                break
            if key not in shown:
                problems[key] = [self._unknown_message(writable)]
            elif instance is None:
                problems[key] = [READ_ONLY_ON_CREATE]
            elif not _same(data[key], _current(shown[key], instance), form=form):
                problems[key] = [READ_ONLY_FIELD]
        return problems

    @staticmethod
    def _unknown_message(writable: set) -> str:
        if not writable:
            return str(NO_FIELDS)
        return str(UNKNOWN_FIELD) % {"fields": ", ".join(sorted(writable))}


class StrictSerializer(StrictInputMixin, serializers.Serializer):
    pass


class StrictModelSerializer(StrictInputMixin, serializers.ModelSerializer):
    serializer_related_field = StrictPrimaryKeyRelatedField
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        **dict.fromkeys(
            (
                models.IntegerField, models.SmallIntegerField, models.BigIntegerField,
                models.PositiveIntegerField, models.PositiveSmallIntegerField,
                models.PositiveBigIntegerField,
            ),
            StrictIntegerField,
        ),
    }  # fmt: skip


class NoInputSerializer(StrictSerializer):
    """For actions that take no fields (submit, confirm...): anything sent would be lost."""


def require_no_input(request) -> None:
    if request.data:
        NoInputSerializer(data=request.data).is_valid(raise_exception=True)


# --- the body -------------------------------------------------------------------------------


class JSONParser(parsers.JSONParser):
    """DRF's parser; JSON nested deeper than Python's parser goes ([[[[...]]]] some thousand
    deep) is a 400, where Python raises RecursionError (a 500)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(JSON_TOO_DEEP) from None

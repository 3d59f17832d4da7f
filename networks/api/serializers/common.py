"""What the serializers share: the locality field, the facilitator field, choices named by
their values, money, and the `reason` of a correction."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_choice_field
from rest_framework import serializers

from networks.api.input import StrictPrimaryKeyRelatedField
from networks.models import User
from networks.services import history as history_services

# --- serializers ----------------------------------------------------------------------------


class NamedChoiceField(serializers.ChoiceField):
    """A choice field whose choice set is its own named schema component (JointActionStatusEnum),
    so that several models' `status` fields do not collide in the schema."""

    def __init__(self, *, enum_name: str, **kwargs):
        self.enum_name = enum_name
        super().__init__(**kwargs)


class NamedChoiceFieldExtension(OpenApiSerializerFieldExtension):
    target_class = NamedChoiceField

    def get_name(self) -> str:
        return self.target.enum_name

    def map_serializer_field(self, auto_schema, direction):
        return build_choice_field(self.target)


def status_field(model, message, **kwargs) -> NamedChoiceField:
    return NamedChoiceField(
        enum_name=f"{model.__name__}StatusEnum",
        choices=model.Status.choices,
        error_messages={"invalid_choice": message},
        **kwargs,
    )


# Region and commune hold 120 characters each: "commune, region".
PLACE_MAX_LENGTH = 120
LOCALITY_MAX_LENGTH = 2 * PLACE_MAX_LENGTH + len(", ")
NO_SUCH_FACILITATOR = _("No such facilitator in the network's agency.")


class LocalityField(serializers.CharField):
    """ "Talca, Maule" both ways: out from commune and region, in as a plain string.

    On the way in the text is split on its last comma (commune before, region after; no comma:
    it is the region), and `LocalityMixin.validate` fills in whichever of region and commune the
    request did not give explicitly.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("max_length", LOCALITY_MAX_LENGTH)
        super().__init__(source="*", **kwargs)

    def to_representation(self, instance) -> str:
        return ", ".join(part for part in (instance.commune, instance.region) if part)

    def to_internal_value(self, data) -> dict:
        return {"locality": super().to_internal_value(data)}

    def run_validators(self, value):
        # The validators (max_length) are for the text, not for the dict it is read into.
        super().run_validators(value["locality"] if isinstance(value, dict) else value)


LOCALITY_PART_TOO_LONG = _("The commune and the region hold at most %(limit)s characters each.")


class LocalityMixin:
    def validate(self, attrs):
        locality = attrs.pop("locality", None)
        if locality is not None:
            commune, _comma, region = locality.rpartition(",")
            attrs.setdefault("region", region.strip())
            attrs.setdefault("commune", commune.strip())
            # Each part must fit its own column, as if it had been sent on its own.
            for name in ("commune", "region"):
                if len(attrs[name]) > PLACE_MAX_LENGTH:
                    raise serializers.ValidationError(
                        {"locality": [LOCALITY_PART_TOO_LONG % {"limit": PLACE_MAX_LENGTH}]}
                    )
        return super().validate(attrs)


# --- the manager, dissolution, history ------------------------------------------------------


class AgencyFacilitatorField(StrictPrimaryKeyRelatedField):
    """A facilitator of the agency of the network in the view (`NetworkScopedView`), the only
    people who may manage it. Anyone else, another agency's facilitator or a user who is no
    facilitator, is "No such facilitator.", as an id that does not exist."""

    default_error_messages = {"does_not_exist": NO_SUCH_FACILITATOR}

    def __init__(self, **kwargs):
        super().__init__(queryset=User.objects.all(), **kwargs)  # the model, for the schema

    def get_queryset(self):
        network = self.context.get("network") or getattr(self.context.get("view"), "network", None)
        if network is None:
            return User.objects.none()
        return User.objects.filter(
            role=User.Role.FACILITATOR, agency_id=network.programme.agency_id
        )


def money_field(**kwargs) -> serializers.DecimalField:
    """An amount as the API returns it: a decimal string, read-only."""
    return serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True, **kwargs)


def reason_field(help_text) -> serializers.CharField:
    # Blank passes here so that the service answers with the rule that makes it needed.
    return serializers.CharField(
        write_only=True, required=False, allow_blank=True, default="",
        max_length=history_services.REASON_MAX_LENGTH, help_text=str(help_text),
    )  # fmt: skip


class ReasonSerializer(serializers.Serializer):
    reason = reason_field(history_services.PAYMENT_REASON_HELP)

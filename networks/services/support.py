"""Support services: the agency's catalogue of providers and services, and the record of which
member firm took up which service (the manager's "interface" role, domain.md section 4)."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from networks import access
from networks.models import (
    Firm,
    Membership,
    Network,
    ServiceUptake,
    SupportProvider,
    SupportService,
    User,
)
from networks.services.common import ConflictError

# Messages: constants so that tests and the API assert exactly what a user reads.
CATALOGUE_NOT_ALLOWED = _("Only staff of the agency can change its catalogue of support services.")
PROVIDER_NAME_REQUIRED = _("Give the provider's name.")
PROVIDER_NAME_TAKEN = _("The catalogue already has a provider called %(name)s.")
SERVICE_NAME_REQUIRED = _("Give the service's name.")
SERVICE_NAME_TAKEN = _("%(provider)s already offers a service called %(name)s.")
SERVICE_CATEGORY_UNKNOWN = _("Choose training, credit, technology, consulting or certification.")
UPTAKE_NOT_ALLOWED = _("Only the network's facilitator and its agency record service take-up.")
UPTAKE_NETWORK_CLOSED = _("This network is dissolved; its service take-up cannot be changed.")
UPTAKE_FIRM_NOT_MEMBER = _("Choose a firm that is an active member of this network.")
UPTAKE_SERVICE_NOT_IN_CATALOGUE = _("Choose a service from the catalogue of the network's agency.")
UPTAKE_STATUS_UNKNOWN = _("Choose referred, taken up or completed.")
UPTAKE_DATE_REQUIRED = _("Give the date.")
UPTAKE_DATE_IN_FUTURE = _("The date cannot be in the future.")

UPTAKE_FIELDS = ("firm", "service", "referred_by_facilitator", "date", "status", "result")


# --- the catalogue --------------------------------------------------------------------------


def _require_catalogue(actor: User) -> None:
    access.require(access.can_manage_catalogue(actor), CATALOGUE_NOT_ALLOWED)


@transaction.atomic
def provider_create(*, actor: User, name: str) -> SupportProvider:
    """Add a provider (SERCOTEC, CORFO, a university...) to the actor's agency's catalogue."""
    _require_catalogue(actor)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": [PROVIDER_NAME_REQUIRED]})
    if SupportProvider.objects.filter(agency_id=actor.agency_id, name__iexact=name).exists():
        raise ValidationError({"name": [PROVIDER_NAME_TAKEN % {"name": name}]})
    try:
        with transaction.atomic():
            return SupportProvider.objects.create(agency_id=actor.agency_id, name=name)
    except IntegrityError:  # the same name added at the same moment
        raise ValidationError({"name": [PROVIDER_NAME_TAKEN % {"name": name}]}) from None


@transaction.atomic
def service_create(
    *, actor: User, provider: SupportProvider, name: str, category: str
) -> SupportService:
    """Add a service to one of the actor's agency's providers."""
    _require_catalogue(actor)
    if provider.agency_id != actor.agency_id:
        raise PermissionDenied(CATALOGUE_NOT_ALLOWED)
    errors = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = [SERVICE_NAME_REQUIRED]
    elif SupportService.objects.filter(provider=provider, name__iexact=name).exists():
        errors["name"] = [SERVICE_NAME_TAKEN % {"provider": provider.name, "name": name}]
    if category not in SupportService.Category.values:
        errors["category"] = [SERVICE_CATEGORY_UNKNOWN]
    if errors:
        raise ValidationError(errors)
    return SupportService.objects.create(provider=provider, name=name, category=category)


# --- take-up --------------------------------------------------------------------------------


def _require_recorder(actor: User, network: Network) -> None:
    access.require(access.can_change_network(actor, network), UPTAKE_NOT_ALLOWED)
    if network.phase == Network.Phase.DISSOLVED:
        raise ConflictError(UPTAKE_NETWORK_CLOSED)


def _uptake_errors(network: Network, values: dict, *, current: ServiceUptake | None) -> dict:
    errors = {}
    firm, service = values["firm"], values["service"]
    # A firm that has left keeps its past rows; a new or moved row needs an active member.
    firm_unchanged = current is not None and firm is not None and firm.pk == current.firm_id
    if not isinstance(firm, Firm) or (
        not firm_unchanged
        and not Membership.objects.filter(network=network, firm=firm, left_on__isnull=True).exists()
    ):
        errors["firm"] = [UPTAKE_FIRM_NOT_MEMBER]
    if (
        not isinstance(service, SupportService)
        or service.provider.agency_id != network.programme.agency_id
    ):
        errors["service"] = [UPTAKE_SERVICE_NOT_IN_CATALOGUE]
    if values["status"] not in ServiceUptake.Status.values:
        errors["status"] = [UPTAKE_STATUS_UNKNOWN]
    date = values["date"]
    if not isinstance(date, datetime.date):
        errors["date"] = [UPTAKE_DATE_REQUIRED]
    elif date > timezone.localdate():
        errors["date"] = [UPTAKE_DATE_IN_FUTURE]
    return errors


@transaction.atomic
def uptake_create(
    *,
    network: Network,
    actor: User,
    firm: Firm,
    service: SupportService,
    date: datetime.date,
    status: str = ServiceUptake.Status.REFERRED,
    referred_by_facilitator: bool = True,
    result: str = "",
) -> ServiceUptake:
    """Record that a member firm was referred to, or took up, a service of the agency's
    catalogue. The facilitator and the agency's staff record it."""
    _require_recorder(actor, network)
    values = {"firm": firm, "service": service, "date": date, "status": status}
    errors = _uptake_errors(network, values, current=None)
    if errors:
        raise ValidationError(errors)
    return ServiceUptake.objects.create(
        network=network, firm=firm, service=service, date=date, status=status,
        referred_by_facilitator=bool(referred_by_facilitator), result=(result or "").strip(),
        recorded_by=actor,
    )  # fmt: skip


@transaction.atomic
def uptake_update(*, uptake: ServiceUptake, actor: User, **fields) -> ServiceUptake:
    """Change a take-up record (its status as the firm moves on, its result, ...)."""
    network = uptake.network
    _require_recorder(actor, network)
    locked = ServiceUptake.objects.select_for_update().get(pk=uptake.pk)
    changes = {k: v for k, v in fields.items() if k in UPTAKE_FIELDS}
    if "result" in changes:
        changes["result"] = (changes["result"] or "").strip()
    if "referred_by_facilitator" in changes:
        changes["referred_by_facilitator"] = bool(changes["referred_by_facilitator"])
    merged = {
        "firm": changes.get("firm", locked.firm),
        "service": changes.get("service", locked.service),
        "date": changes.get("date", locked.date),
        "status": changes.get("status", locked.status),
    }
    errors = _uptake_errors(network, merged, current=locked)
    if errors:
        raise ValidationError(errors)
    for key, value in changes.items():
        setattr(locked, key, value)
    if changes:
        locked.save(update_fields=list(changes))
    return locked

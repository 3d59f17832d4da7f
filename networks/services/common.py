"""What the services share: the conflict error and the one way a phase changes."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from networks.lib.limits import clip
from networks.models import Network, PhaseTransition
from networks.rules import ALLOWED_MOVES


class ConflictError(Exception):
    """The request clashes with the current state (deciding twice, appointing twice...).

    The API answers it with 409; pages show the message.
    """

    def __init__(self, message):
        super().__init__(str(message))
        self.messages = [str(message)]


PHASE_MOVE_NOT_ALLOWED = _("A network cannot move from %(from)s to %(to)s.")
REASON_REQUIRED = _("Give a reason.")


def phase_transition(
    *, network: Network, to_phase: str, actor, reason: str = ""
) -> PhaseTransition:
    """Move `network` to `to_phase` and write the transition row. Callers hold the row lock."""
    from_phase = network.phase
    if (from_phase, to_phase) not in ALLOWED_MOVES:
        raise ConflictError(
            PHASE_MOVE_NOT_ALLOWED
            % {"from": Network.Phase(from_phase).label, "to": Network.Phase(to_phase).label}
        )
    network.phase = to_phase
    network.save(update_fields=["phase"])
    # The reason may be a user's full text with a prefix ("Application rejected: ..."): the
    # full text is kept where it was given, the timeline's row is cut to fit its column.
    return PhaseTransition.objects.create(
        network=network, from_phase=from_phase, to_phase=to_phase, actor=actor,
        reason=clip(reason),
    )  # fmt: skip


def require_text(value: str, field: str, message=REASON_REQUIRED) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


def lock_network(network: Network) -> Network:
    """Re-read the network under a row lock so that two requests cannot both change its phase."""
    locked = Network.objects.select_for_update().select_related("programme").get(pk=network.pk)
    network.phase = locked.phase
    network.term_start, network.handover_due = locked.term_start, locked.handover_due
    return locked

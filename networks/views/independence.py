"""Life after independence: the network's yearly check-ins, and recording this year's."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from networks import access
from networks.forms.independence import CheckInForm
from networks.selectors import independence as independence_selectors
from networks.services import independence as independence_services
from networks.services.common import ConflictError
from networks.views.common import once_per_form, posted, show_conflict, show_errors


@login_required
def check_in_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The years after the handover the programme asks about, each with its check-in. Not
    confidential: whoever sees the network."""
    network = access.get_network_or_404(request.user, pk)
    today = timezone.localdate()
    context = {
        "network": network,
        "after": (
            independence_selectors.after_independence(network, today)
            if network.handed_over_on
            else None
        ),
        "can_record": access.can_change_network(request.user, network)
        and network.phase == network.Phase.INDEPENDENCE,
    }
    return render(request, "networks/check_in_list.html", context)


@login_required
@once_per_form
def check_in_create(request: HttpRequest, pk: int) -> HttpResponse:
    network = access.get_network_or_404(request.user, pk, change=True)
    today = timezone.localdate()
    initial = (
        independence_selectors.check_in_initial(network, today) if network.handed_over_on else {}
    )
    form = CheckInForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            check_in = independence_services.check_in_record(
                network=network, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            show_errors(form, exc)
        except ConflictError as exc:
            show_conflict(request, exc)
            return redirect("networks:check-in-list", network.pk)
        else:
            if check_in.stopped:
                messages.warning(
                    request,
                    _("Check-in of year %(year)s recorded: the network has stopped.")
                    % {"year": check_in.year},
                )
            else:
                messages.success(
                    request,
                    _("Check-in of year %(year)s recorded.") % {"year": check_in.year},
                )
            return redirect("networks:check-in-list", network.pk)
    return render(request, "networks/check_in_form.html", {"network": network, "form": form})

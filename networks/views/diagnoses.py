"""Re-diagnosis: the network's dated diagnoses and its typology profile over time."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from networks import access
from networks.forms.diagnoses import RediagnosisForm
from networks.lib.typology import DIMENSIONS
from networks.selectors import diagnoses as diagnosis_selectors
from networks.services import diagnoses as diagnosis_services
from networks.services.common import ConflictError
from networks.views.common import once_per_form, posted, show_conflict, show_errors


@login_required
@once_per_form
def network_rediagnosis(request: HttpRequest, pk: int) -> HttpResponse:
    network = access.get_network_or_404(request.user, pk)
    is_open = network.phase in diagnosis_services.OPEN_PHASES
    may_record = access.can_change_network(request.user, network) and is_open
    if request.method == "POST":
        access.require(access.can_change_network(request.user, network))
    form = RediagnosisForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            diagnosis_services.diagnosis_record(
                network=network, actor=request.user, diagnosed_on=data["diagnosed_on"],
                problems=data["problems"], opportunities=data["opportunities"],
                **{name: data[name] for name in DIMENSIONS},
            )  # fmt: skip
        except ValidationError as exc:
            show_errors(form, exc)
        except ConflictError as exc:
            show_conflict(request, exc)
        else:
            messages.success(request, _("Re-diagnosis saved."))
            return redirect("networks:network-rediagnosis", network.pk)
    context = {
        "network": network,
        "series": diagnosis_selectors.profile_series(network),
        "form": form,
        "may_record": may_record,
    }
    return render(request, "networks/diagnosis_series.html", context)

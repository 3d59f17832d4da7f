"""Networks well into their term, for the term's page and API tests: dues charged through the
real service, and payments."""

from decimal import Decimal

from django.utils import timezone

from networks.lib.dates import add_months
from networks.models import Membership, Payment
from networks.services import term as T
from tests import builders

SALARY = Decimal("1200000")


def build(network, officer, *, months: int = 31, extra_firms: int = 0, pay: bool = True):
    """A network whose term started `months - 1` months ago (so `months` months are charged),
    with its dues charged and, when `pay`, one payment per firm covering its first month."""
    today = timezone.localdate()
    start = add_months(today.replace(day=1), -(months - 1))
    builders.consolidating_network(network, officer, start=start, salary=SALARY)
    if extra_firms:
        builders.add_members(network, extra_firms)
    # Members from before the term, so that every month charges every firm.
    Membership.objects.filter(network=network).update(joined_on=add_months(start, -1))
    T.dues_catch_up(network=network)
    if pay:
        firms = [m.firm for m in Membership.objects.filter(network=network).select_related("firm")]
        due = T.month_split(network, start)["dues"]
        Payment.objects.bulk_create(
            Payment(network=network, firm=firm, date=today, amount=due[firm.pk],
                    reference=f"TRF {firm.pk}", recorded_by=network.facilitator)
            for firm in firms
        )  # fmt: skip
    network.refresh_from_db()
    return network

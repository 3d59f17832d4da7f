"""SQL pieces the selectors share: correlated counts and maxima, money zero, raw-query scopes."""

from decimal import Decimal

from django.db import connection
from django.db.models import (
    Count,
    DateField,
    DecimalField,
    F,
    Func,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from networks.models import Membership, Network


def active_member_count() -> Coalesce:
    """The network's active members, as a correlated subquery: PostgreSQL computes it for the
    rows of the page only (after ORDER BY ... LIMIT), where a COUNT over a join of every
    membership grouped the agency's 500 networks first (36 ms at scale, against 3 ms)."""
    counted = (
        Membership.objects.filter(network=OuterRef("pk"), left_on__isnull=True)
        .order_by()
        .values("network")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


# --- shared SQL pieces ----------------------------------------------------------------------


def count_subquery(queryset: QuerySet) -> Coalesce:
    """COUNT(*) of a correlated subquery (no GROUP BY: one number per outer row)."""
    counted = queryset.order_by().values(n=Func(F("pk"), function="COUNT"))[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def latest_subquery(queryset: QuerySet, field_name: str) -> Subquery:
    """MAX(field) of a correlated subquery, or NULL."""
    latest = queryset.order_by().values(d=Func(F(field_name), function="MAX"))[:1]
    return Subquery(latest, output_field=DateField())


ZERO_MONEY = Value(Decimal(0), output_field=DecimalField(max_digits=16, decimal_places=2))


def scope_sql(scope) -> tuple[str, list]:
    """SQL (and its parameters) selecting the ids of the networks in `scope` (ids or a
    queryset), to put in a raw query's IN (...)."""
    sql, params = (
        Network.objects.filter(pk__in=scope).order_by().values("pk").query.sql_with_params()
    )
    return sql, list(params)


def table_name(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)

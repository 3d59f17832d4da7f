"""Backup and restore with the README's commands: pg_dump -Fc, then pg_restore into a new DB."""

import datetime
import shutil
import subprocess
from decimal import Decimal

import psycopg2
import pytest
from django.db import connection

from networks.services import term as term_services
from tests import builders, factories

pytestmark = pytest.mark.django_db(transaction=True)

TABLES = [
    "networks_network", "networks_membership", "networks_phasetransition",
    "networks_applicationevent", "networks_managerappointment", "networks_due",
    "networks_payment", "networks_monthlycharge", "networks_historicalnetwork",
    "networks_historicalpayment",
]  # fmt: skip


def _dsn(name=None) -> dict:
    settings = connection.settings_dict
    return {"host": settings["HOST"] or "127.0.0.1", "port": settings["PORT"] or 5432,
            "user": settings["USER"] or "postgres", "dbname": name or settings["NAME"]}  # fmt: skip


def _admin(*statements) -> None:
    # CREATE and DROP DATABASE cannot run inside a transaction.
    admin = psycopg2.connect(**_dsn("postgres"))
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
    finally:
        admin.close()


def _snapshot(dsn) -> dict:
    with psycopg2.connect(**dsn) as conn, conn.cursor() as cursor:
        counts = {}
        for table in TABLES:
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed table names
            counts[table] = cursor.fetchone()[0]
        cursor.execute(
            "SELECT firm_id, sum(amount) FROM networks_due GROUP BY firm_id ORDER BY firm_id"
        )
        counts["ledger"] = cursor.fetchall()
        cursor.execute("SELECT name, phase, handover_due FROM networks_network ORDER BY id")
        counts["networks"] = cursor.fetchall()
    return counts


@pytest.mark.skipif(not shutil.which("pg_dump"), reason="pg_dump is not installed")
def test_dump_and_restore_keep_networks_ledgers_and_history(officer, tmp_path):
    network = factories.NetworkFactory(programme__agency=officer.agency)
    builders.consolidating_network(network, officer, start=datetime.date(2025, 1, 1))
    term_services.dues_catch_up(network=network)
    firm = network.memberships.first().firm
    term_services.payment_record(network=network, firm=firm, actor=network.facilitator,
                            date=datetime.date(2025, 3, 1), amount=Decimal("42000"), reference="TRF 1")  # fmt: skip
    source = _dsn()
    before = _snapshot(source)
    assert before["networks_payment"] == 1 and before["networks_historicalpayment"] >= 1

    dump = tmp_path / "profo.dump"
    common = ["-h", source["host"], "-p", str(source["port"]), "-U", source["user"]]
    subprocess.run(["pg_dump", "-Fc", *common, "-f", str(dump), source["dbname"]],
                   check=True, timeout=120)  # fmt: skip
    restored = f"{source['dbname']}_restored"
    _admin(f'DROP DATABASE IF EXISTS "{restored}"', f'CREATE DATABASE "{restored}"')
    try:
        subprocess.run(["pg_restore", "--no-owner", *common, "-d", restored, str(dump)],
                       check=True, timeout=120)  # fmt: skip
        assert _snapshot(_dsn(restored)) == before
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{restored}"')

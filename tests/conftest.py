"""Personas shared by the tests: one network with its people, and outsiders of each kind."""

import pytest

from tests import factories


@pytest.fixture(autouse=True)
def _fresh_cache():
    # API throttling counts live in the cache; each test starts with none.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    # A request leaves its language active in this thread (LocaleMiddleware activates it and
    # nothing deactivates it), so a test that compares a message with one made in another
    # thread (tests/services/test_races.py) depended on the language of the test before it.
    from django.utils import translation

    translation.deactivate()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The production hasher is slow on purpose; tests create hundreds of users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def media(settings, tmp_path):
    """Uploads go to a temporary folder (activity attachments, goal evidence, staged imports)."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def agency():
    return factories.AgencyFactory(name="SERCOTEC Maule")


@pytest.fixture
def programme(agency):
    return factories.ProgrammeFactory(agency=agency)


@pytest.fixture
def facilitator(agency):
    return factories.FacilitatorFactory(username="facilitator", agency=agency)


@pytest.fixture
def network(programme, facilitator):
    return factories.NetworkFactory(programme=programme, facilitator=facilitator)


@pytest.fixture
def officer(agency):
    return factories.AgencyStaffFactory(username="officer", agency=agency)


@pytest.fixture
def agency_admin(agency):
    return factories.AgencyAdminFactory(username="agencyadmin", agency=agency)


@pytest.fixture
def member_firm(network):
    return factories.MembershipFactory(network=network).firm


@pytest.fixture
def firm_user(member_firm):
    return factories.FirmMemberFactory(username="firmuser", firm=member_firm)


@pytest.fixture
def other_network():
    """A network of another agency, with its own facilitator and a member firm."""
    return factories.NetworkFactory(name="Other network")


@pytest.fixture
def outsider_officer(other_network):
    return factories.AgencyStaffFactory(
        username="outsider-officer", agency=other_network.programme.agency
    )


@pytest.fixture
def outsider_facilitator(other_network):
    return other_network.facilitator


@pytest.fixture
def outsider_firm_user(other_network):
    firm = factories.MembershipFactory(network=other_network).firm
    return factories.FirmMemberFactory(username="outsider-firm", firm=firm)


def _in_memory_connector():
    """Procrastinate's InMemoryConnector, whose synchronous calls (a service deferring a job)
    also work after a browser test left Playwright's event loop running in this thread:
    async_to_sync refuses that, so the call then runs in a thread of its own."""
    import asyncio
    import concurrent.futures

    from asgiref.sync import async_to_sync
    from procrastinate import testing

    def run(method, query, arguments):
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return async_to_sync(method)(query, **arguments)
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, method(query, **arguments)).result()

    class Connector(testing.InMemoryConnector):
        def execute_query(self, query, **arguments):
            return run(self.execute_query_async, query, arguments)

        def execute_query_one(self, query, **arguments):
            return run(self.execute_query_one_async, query, arguments)

        def execute_query_all(self, query, **arguments):
            return run(self.execute_query_all_async, query, arguments)

    return Connector()


class JobQueue:
    """The jobs a test deferred, on Procrastinate's in-memory connector (its documented way to
    test): `deferred()` lists them, `run()` runs each waiting job as a worker would, in this
    thread, since a worker's thread would not see the test's uncommitted rows."""

    def __init__(self, connector):
        self.connector = connector

    def deferred(self, task: str | None = None, status: str = "todo") -> list[dict]:
        return [
            job
            for job in self.connector.jobs.values()
            if (task is None or job["task_name"] == task) and job["status"] == status
        ]

    def run(self, task: str | None = None) -> int:
        """Run the waiting jobs (and the ones they defer) until none is left; a failing job is
        marked failed, as a worker would after its last try. Returns how many succeeded."""
        from procrastinate.contrib.django import app

        done = 0
        while waiting := self.deferred(task):
            for job in waiting:
                try:
                    app.tasks[job["task_name"]](**job["args"])
                except Exception:
                    job["status"] = "failed"
                else:
                    job["status"] = "succeeded"
                    done += 1
        return done


@pytest.fixture(autouse=True)
def jobs(request):
    """Every test defers into memory, unless marked `real_queue` or `browser` (it then uses the
    Django connector and the real job tables, as production does)."""
    # The browser tests commit their data and drive Playwright, whose event loop runs in this
    # thread, where the in-memory connector cannot run: their jobs go to the real job tables
    # (nobody runs them; the pages only read the notification rows).
    if request.node.get_closest_marker("real_queue") or request.node.get_closest_marker("browser"):
        yield None
        return
    from procrastinate.contrib.django import app

    connector = _in_memory_connector()
    with app.replace_connector(connector):
        yield JobQueue(connector)

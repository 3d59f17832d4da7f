"""Gunicorn, as PROFO runs in production (`make serve`, or the systemd unit in the README).

Every value comes from the environment, with defaults for one machine:

- BIND (127.0.0.1:8000): where to listen; a reverse proxy in front terminates TLS.
- WEB_CONCURRENCY (2 x cores + 1): worker processes.
- GUNICORN_THREADS (1): threads per worker; above 1 the workers are gthread workers. Each
  thread keeps its own database connection, so connections = servers x workers x threads.
- GUNICORN_TIMEOUT (30), GUNICORN_GRACEFUL_TIMEOUT (30), GUNICORN_KEEPALIVE (5): seconds.
- GUNICORN_MAX_REQUESTS (1000), GUNICORN_MAX_REQUESTS_JITTER (100): a worker is replaced after
  about that many requests, so a slow leak never grows for long, and not all at once.
- GUNICORN_CONTROL_SOCKET: path of gunicorn's control socket; none unless set (a shared default
  path would make two servers on one machine step on each other).

Production uses PostgreSQL: the configuration refuses to load without a PostgreSQL
DATABASE_URL or without a SECRET_KEY. `python gunicorn.conf.py` runs only that check.
"""

import multiprocessing
import os
import sys

POSTGRES_SCHEMES = ("postgres://", "postgresql://", "pgsql://", "postgis://")


def production_problems(env=os.environ) -> list[str]:
    """What keeps this environment from serving production; empty when it may."""
    problems = []
    url = env.get("DATABASE_URL", "").strip()
    if not url:
        problems.append(
            "DATABASE_URL is not set. Production uses PostgreSQL: "
            "DATABASE_URL=postgres://USER:PASSWORD@HOST:5432/NAME"
        )
    elif not url.lower().startswith(POSTGRES_SCHEMES):
        scheme = url.split(":", 1)[0]
        problems.append(
            f"DATABASE_URL is a {scheme} database. Production uses PostgreSQL "
            "(SQLite is for `make run` only): DATABASE_URL=postgres://USER:PASSWORD@HOST:5432/NAME"
        )
    if not env.get("SECRET_KEY", "").strip():
        problems.append("SECRET_KEY is not set: give it a long random string.")
    return problems


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


_problems = production_problems()
if _problems:
    sys.exit("Refusing to serve PROFO:\n- " + "\n- ".join(_problems))
if __name__ == "__main__":
    sys.exit(0)

wsgi_app = "profo.wsgi:application"
bind = os.environ.get("BIND", "127.0.0.1:8000").split(",")
workers = _env_int("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1)
threads = _env_int("GUNICORN_THREADS", 1)
timeout = _env_int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _env_int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _env_int("GUNICORN_KEEPALIVE", 5)
max_requests = _env_int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _env_int("GUNICORN_MAX_REQUESTS_JITTER", 100)
# Load Django once in the master: workers start faster and share memory pages.
preload_app = True

accesslog = "-"
errorlog = "-"
# The usual combined format plus the time taken, in milliseconds.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'

# The heartbeat file on a memory file system: a slow disk must not look like a hung worker.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

if os.environ.get("GUNICORN_CONTROL_SOCKET"):
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]
else:
    control_socket_disable = True


def pre_fork(server, worker):
    # A database connection opened in the master (with preload_app) would be inherited by
    # every worker: one socket used by several processes corrupts the protocol. Close it here.
    from django.db import connections

    connections.close_all()

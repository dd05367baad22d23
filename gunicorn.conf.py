"""gunicorn settings for production: `gunicorn wsgi:app` from the repository root reads them.

Every value can be changed from the environment (docs/deployment.md), so one file serves a
small VM and a large one:

- Worker class `gthread`, `GUNICORN_THREADS` (4) threads per process. Most requests are
  short and CPU-bound, where a thread is as fast as a sync worker; but an export of
  100,000 comments takes seconds, a report on PostgreSQL waits on the network, and a sync
  worker doing either is lost to everyone else, while a thread leaves its siblings free.
  gthread also keeps idle keep-alive connections from nginx out of the threads, and its
  heartbeat does not wait for a request, so `timeout` never kills a long export midway.
  `GUNICORN_WORKER_CLASS=sync` gives the classic worker (then threads must be 1).
- `WEB_CONCURRENCY` processes, by default one per CPU this process may use (with the GIL
  a process runs Python on one core at a time; the threads cover the waits) and at least
  two, so one busy or restarting process never leaves the site without a worker. Each
  process opens at most DB_POOL_SIZE + DB_MAX_OVERFLOW PostgreSQL connections (5 + 5):
  keep workers x 10 under the server's max_connections.
- `preload_app`: the app is built once in the master, so a broken setting stops the deploy
  before any worker starts, and the workers share its memory. No database connection is
  opened while building it; `post_fork` still empties each worker's inherited pools, so a
  connection the master did open is never shared by two processes.
- `forwarded_allow_ips`: only the proxy on this host may set X-Forwarded-Proto for
  gunicorn; the app's own `TRUSTED_PROXIES` decides what it believes of X-Forwarded-*.
"""

from __future__ import annotations

import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the CPUs this process may use (containers)
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
workers = _int("WEB_CONCURRENCY", max(2, _cpus()))
# gunicorn turns a sync worker with threads > 1 into gthread; keep what was asked for.
threads = _int("GUNICORN_THREADS", 4 if worker_class == "gthread" else 1)

# A request that makes no progress for this long is killed (sync: the whole request; gthread:
# the worker's heartbeat). Exports at the default scale take seconds, never 30.
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)  # finish requests on restart
# Longer than nginx's upstream keepalive_timeout (60 s in deploy/nginx.conf), so nginx,
# not gunicorn, closes an idle connection, and never sends on one gunicorn just closed.
keepalive = _int("GUNICORN_KEEPALIVE", 65)
# Replace a worker after this many requests (with jitter, so not all at once): bounds the
# growth of anything a long-lived process accumulates.
max_requests = _int("GUNICORN_MAX_REQUESTS", 5000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 500)

preload_app = os.environ.get("GUNICORN_PRELOAD", "1").strip().lower() not in {"0", "false", "no"}
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# The heartbeat file on tmpfs: on a disk-backed /tmp a slow fsync can stall every worker.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
# The control socket (gunicorn 25.1+) wants a writable home; systemd services have none.
control_socket_disable = True
proc_name = "consult"

# Logs to stdout/stderr, for journald or the container runtime. The access line has the
# visitor's address as nginx forwarded it, the request, status, bytes and time taken.
# Paths of password-reset and invitation links carry their token: keep access logs private.
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
access_log_format = '%({x-forwarded-for}i)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'


def post_fork(server, worker):
    """Give the new worker empty connection pools (see `preload_app` above)."""
    app = getattr(server.app, "callable", None)  # set only when the app was preloaded
    if app is None:
        return
    from consult.core.database import dispose_engines

    dispose_engines(app)

"""gunicorn's settings for factcheck, read by `gunicorn` started in this folder.

    gunicorn                       # factcheck.wsgi on 0.0.0.0:8000, workers from the CPUs

Every value can be changed from the environment (docs/deploy.md). Threads (gthread workers)
let a worker stream a long export while it keeps answering, and keep connections alive behind
a proxy; the app holds no state between requests, so any number of these servers can share
one database and one Redis.
"""

import multiprocessing
import os

wsgi_app = "factcheck.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 4))
# A request may take this long; the heartbeat of gthread workers keeps streamed exports alive.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, staggered, so memory cannot creep.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 5000))
max_requests_jitter = max_requests // 10
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
# Behind a TLS-terminating proxy on another host, list it in FORWARDED_ALLOW_IPS.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

#!/bin/sh
# One image, several roles: web (gunicorn), worker, beat, migrate, seed; anything else runs as is.
set -eu
cd /app

case "${1:-web}" in
  web)
    exec gunicorn --config deploy/gunicorn.conf.py
    ;;
  worker)
    # The hostname is what deploy/healthcheck.py pings; --scale worker=N gives each its own.
    # An email batch renders on the CPU, then waits on SMTP; webhooks and sweeps wait on the
    # network and the database: two processes a CPU keep the CPUs busy while half of them
    # wait (each keeps its SMTP connection open across batches). Each process takes one task
    # at a time (prefetch 1, acknowledged late), so a long batch never holds others back.
    exec celery -A portal worker --loglevel "${LOG_LEVEL:-INFO}" --hostname "worker@%h" \
      --pool prefork --prefetch-multiplier 1 -O fair \
      --concurrency "${CELERY_WORKER_CONCURRENCY:-$(( $(nproc) * 2 ))}"
    ;;
  beat)
    # Exactly one beat may run: two would send every scheduled sweep twice.
    exec celery -A portal beat --loglevel "${LOG_LEVEL:-INFO}"
    ;;
  migrate)
    python manage.py migrate --noinput
    exec python manage.py check --deploy --fail-level ERROR
    ;;
  seed)
    exec python manage.py seed_demo
    ;;
  *)
    exec "$@"
    ;;
esac

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
    # Tasks mostly wait on SMTP, webhooks and the database: two processes a CPU keep the CPUs
    # busy while half of them wait (each keeps its SMTP connection open across messages).
    exec celery -A portal worker --loglevel "${LOG_LEVEL:-INFO}" --hostname "worker@%h" \
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

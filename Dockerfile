# motcua — one image for every Python process (app server, workers, beat, relay, migrate).
# Not built on the development machine (no Docker engine there): compose.yaml and this file
# are checked statically by tests/test_deploy_files.py (docs/adr/0048).
FROM python:3.11-slim-bookworm

# WeasyPrint's OS libraries (Pango, HarfBuzz, fonts), gettext for compiled messages, and
# libpq-free psycopg (binary wheel). No compilers: every dependency ships a wheel.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libffi8 \
        libjpeg62-turbo libopenjp2-7 shared-mime-info fonts-dejavu-core fonts-noto-core \
        gettext curl \
 && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    MOTCUA_VAR_DIR=/var/lib/motcua \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    PATH=/opt/motcua/.venv/bin:$PATH

RUN groupadd --system motcua \
 && useradd --system --gid motcua --home-dir /opt/motcua --shell /usr/sbin/nologin motcua \
 && mkdir -p /opt/motcua /var/lib/motcua \
 && chown motcua:motcua /var/lib/motcua

WORKDIR /opt/motcua
# Dependencies first: this layer is rebuilt only when requirements.txt changes.
COPY requirements.txt ./
RUN python -m venv .venv && .venv/bin/pip install -r requirements.txt

COPY --chown=root:root . .
# Static files baked into the image at STATIC_ROOT (MOTCUA_VAR_DIR/static); compose.yaml shares
# them with nginx through a named volume (filled from the image on first use).
RUN DJANGO_SECRET_KEY=build-only .venv/bin/python manage.py collectstatic --noinput --verbosity 0 \
 && chown -R motcua:motcua /var/lib/motcua

USER motcua
EXPOSE 8000
# Liveness: /healthz reads nothing (no database), so it answers while a dependency is down.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
    CMD curl -fsS http://127.0.0.1:8000/healthz || exit 1
# The app server; compose.yaml gives the workers, beat and relay their own command.
CMD ["gunicorn", "-c", "deploy/gunicorn.conf.py", "config.wsgi:application", \
     "--bind", "0.0.0.0:8000", "--workers", "2", "--threads", "4", \
     "--timeout", "60", "--graceful-timeout", "20", "--forwarded-allow-ips", "*"]

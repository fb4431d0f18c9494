# Riposte's production image: gunicorn for the web, the same image for the worker and beat.
FROM python:3.13-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    DJANGO_ENV=production RIPOSTE_VAR_DIR=/var/lib/riposte

# WeasyPrint needs Pango and fonts; gettext compiles the translations.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
       fonts-dejavu-core gettext \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
RUN pip install --upgrade pip && pip install .
COPY . .
RUN pip install --no-deps . \
    && DJANGO_SECRET_KEY=build-only-secret-key-not-used-at-runtime-0123456789abcdef \
       DJANGO_ALLOWED_HOSTS=build python manage.py compilemessages --ignore=.venv -v 0 \
    && DJANGO_SECRET_KEY=build-only-secret-key-not-used-at-runtime-0123456789abcdef \
       DJANGO_ALLOWED_HOSTS=build python manage.py collectstatic --no-input -v 0 \
    && useradd --system --home /var/lib/riposte riposte \
    && mkdir -p /var/lib/riposte && chown riposte /var/lib/riposte

USER riposte
EXPOSE 8000
CMD ["gunicorn", "riposte.wsgi", "--bind", "0.0.0.0:8000", "--workers", "4", "--threads", "2", "--access-logfile", "-"]

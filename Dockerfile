# Production image for web, worker and beat (docker-compose.yml runs all three from it).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 HUB_DATA_DIR=/data HUB_BIND=0.0.0.0:8000
RUN useradd --system --create-home --home-dir /app hub && mkdir -p /data && chown hub /data
WORKDIR /app
COPY pyproject.toml README.md manage.py ./
COPY hub hub
COPY images images
COPY templates templates
COPY static static
RUN pip install --no-cache-dir . && python manage.py collectstatic --noinput -v0
USER hub
VOLUME ["/data"]
EXPOSE 8000
CMD ["gunicorn", "hub.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "4", "--worker-class", "gthread", "--threads", "8", "--access-logfile", "-"]

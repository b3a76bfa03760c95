# factcheck's app server: gunicorn with gunicorn.conf.py, settings from the environment
# (docs/deploy.md). Build: docker build -t factcheck .
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY pyproject.toml README.md manage.py gunicorn.conf.py ./
COPY factcheck ./factcheck
COPY annotations ./annotations
COPY templates ./templates
COPY static ./static
RUN pip install . \
    && python manage.py collectstatic --noinput \
    && useradd --system --home-dir /app factcheck

USER factcheck
EXPOSE 8000
# The same image runs one-off commands: docker run ... factcheck python manage.py migrate
CMD ["gunicorn", "-c", "gunicorn.conf.py"]

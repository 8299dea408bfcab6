# The repvoice service: docker build -t repvoice . && docker run -p 8000:8000 repvoice
# Mount a model from `repvoice train` and name it with REPVOICE_MODEL; set REPVOICE_API_KEY to
# require a bearer token. Options after the image name go to `repvoice serve`, e.g.
#   docker run -p 8000:8000 repvoice --workers 2 --config /config/serve.toml
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
COPY pyproject.toml README.md LICENSE ./
COPY src ./src
# [serve] for the HTTP service; add providers (pip install '.[serve,providers]') for a hosted
# fallback such as the one in examples/serve.toml.
RUN pip install '.[serve]' && rm -rf /src

RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin repvoice
USER repvoice
WORKDIR /home/repvoice

EXPOSE 8000
# A plain-HTTP listener: terminate TLS in a reverse proxy in front of it (see the README).
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=2)"]
ENTRYPOINT ["repvoice", "serve", "--host", "0.0.0.0", "--port", "8000"]
CMD []

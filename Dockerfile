# The concierge web app: `concierge serve` with several uvicorn workers under gunicorn's arbiter. Configuration is by environment only.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

RUN useradd --create-home --uid 10001 concierge
COPY pyproject.toml README.md ./
COPY access_core ./access_core
COPY actions ./actions
COPY bench ./bench
COPY bot ./bot
COPY concierge_catalog ./concierge_catalog
COPY demo ./demo
COPY devices ./devices
COPY nlu ./nlu
RUN pip install -e .

USER concierge
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=2).status != 200)"
# `concierge serve` shares new connections out evenly between its workers (they leave with the arbiter, so the
# container's PID 1 is the only process to signal); behind the proxy, trust its forwarded headers.
ENV FORWARDED_ALLOW_IPS="*"
CMD ["sh", "-c", "exec concierge serve --host 0.0.0.0 --port 8000 --workers ${WEB_WORKERS:-4}"]

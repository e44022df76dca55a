# Customer Service Academy: the app in a container (see docs/operations.md, "Containers").
#   docker build -t customer-service-academy .
#   docker run -p 127.0.0.1:8501:8501 -v academy-progress:/app/progress customer-service-academy
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    ACADEMY_HOME=/app

WORKDIR /app

# The pinned, tested dependencies first, so this layer is rebuilt only when requirements.txt changes.
COPY requirements.txt ./
RUN pip install -r requirements.txt

# The course, the app and the `academy` command (its dependencies are already installed above).
COPY . .
RUN pip install --no-deps . \
    && useradd --create-home --uid 10001 --user-group academy \
    && mkdir -p /app/progress \
    && chown academy:academy /app/progress

USER academy

# The SQLite store (progress/academy.db) when ACADEMY_DATABASE_URL does not point elsewhere.
VOLUME ["/app/progress"]
EXPOSE 8501

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4)"]

# Migrate first, so a failed migration stops the container instead of the first page view.
CMD ["sh", "-c", "academy db upgrade && exec streamlit run app.py --server.address=0.0.0.0 --server.port=8501 --server.headless=true"]

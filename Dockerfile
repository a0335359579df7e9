# The scrm-graph API image (used by docker-compose.yml with Neo4j).
FROM python:3.11-slim
WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
COPY pyproject.toml README.md ./
COPY graph ./graph
COPY loaders ./loaders
COPY algorithms ./algorithms
COPY schema ./schema
COPY resolvers ./resolvers
COPY cli ./cli
COPY server.py ./
RUN pip install --no-cache-dir .
EXPOSE 8000
CMD ["scrm", "serve", "--host", "0.0.0.0", "--port", "8000"]

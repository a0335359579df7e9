"""Prometheus metrics of the API: operations by name, their latency, HTTP answers, and
the database round trips the store counts.

Each app owns its own registry (no process-global state).  Operation names come
from clients, so only well-formed names are used as labels, and only the first
``_MAX_OPERATION_NAMES`` of them; later names are counted as ``other``.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, Metric
from prometheus_client.registry import Collector
from strawberry.extensions import SchemaExtension

from graph.store import GraphStore

__all__ = ["CONTENT_TYPE", "ApiMetrics", "OperationMetrics"]

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
_MAX_OPERATION_NAMES = 200
_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class _RoundTrips(Collector):
    def __init__(self, store: Callable[[], GraphStore | None]) -> None:
        self._store = store

    def collect(self) -> Iterable[Metric]:
        store = self._store()
        family = CounterMetricFamily(
            "scrm_db_round_trips", "Requests the API's store sent to the graph database."
        )
        family.add_metric([], float(store.round_trips if store is not None else 0))
        yield family


class ApiMetrics:
    """The API's metrics; ``render()`` gives the Prometheus text exposition."""

    def __init__(self, store: Callable[[], GraphStore | None]) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.operations = Counter(
            "scrm_graphql_operations",
            "GraphQL operations by name, type and outcome (ok, error, refused).",
            ["operation", "type", "outcome"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "scrm_graphql_operation_duration_seconds",
            "Time to parse, validate and execute a GraphQL operation.",
            ["operation", "type"],
            buckets=_BUCKETS,
            registry=self.registry,
        )
        self.http = Counter(
            "scrm_http_responses",
            "HTTP responses by route and status code.",
            ["route", "status"],
            registry=self.registry,
        )
        self.cached = Counter(
            "scrm_graphql_cached_responses",
            "Query responses served again unchanged at the same graph version.",
            registry=self.registry,
        )
        self.subscriptions = Gauge(
            "scrm_graphql_subscriptions_active",
            "Subscriptions being served now.",
            registry=self.registry,
        )
        self.registry.register(_RoundTrips(store))
        self._names: set[str] = set()

    def operation_label(self, name: str | None) -> str:
        if not name:
            return "anonymous"
        if not _NAME.match(name):
            return "other"
        if name not in self._names:
            if len(self._names) >= _MAX_OPERATION_NAMES:
                return "other"
            self._names.add(name)
        return name

    def observe(self, name: str | None, kind: str, outcome: str, seconds: float) -> None:
        label = self.operation_label(name)
        self.operations.labels(label, kind, outcome).inc()
        self.latency.labels(label, kind).observe(seconds)

    def render(self) -> bytes:
        return generate_latest(self.registry)


class OperationMetrics(SchemaExtension):
    """Times each operation and counts it by name, type and outcome."""

    def __init__(self, *, metrics: ApiMetrics) -> None:
        self.metrics = metrics

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        context = self.execution_context
        outcome = "error"
        try:
            yield
            result: Any = context.result
            errors = getattr(result, "errors", None)
            if not errors:
                outcome = "ok"
            elif getattr(result, "data", None) is None:
                outcome = "refused"
        finally:
            try:
                kind = context.operation_type.value
            except RuntimeError:  # the document did not parse
                kind = "unknown"
            self.metrics.observe(
                context.operation_name, kind, outcome, time.perf_counter() - started
            )

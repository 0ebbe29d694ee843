"""The data the load scenarios need, created through the service's own API, and what each one sends.

A user registers and logs in; when the template has orders, that user places one and reads it
once, so every later read is a cache hit. The bodies the service answers are kept: the reference
servers answer exactly the same bytes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from harness.api import (
    HEALTH_LIVE,
    OPENAPI_PATH,
    ORDER,
    ORDERS,
    ServiceApi,
    Session,
    get,
    place_order,
    register_and_login,
)
from harness.loadgen import HttpRequest
from harness.references import ReferenceRoute


@dataclass(frozen=True)
class PublicRead:
    path: str
    body: str
    cache_control: str | None
    # Why this route: the API's own, or the OpenAPI document standing in for a missing one.
    note: str
    stand_in: bool


@dataclass(frozen=True)
class Fixtures:
    session: Session
    requests: dict[str, HttpRequest]  # by scenario key; orders scenarios absent without orders routes
    routes: list[ReferenceRoute]  # what the reference servers answer
    public_read: PublicRead
    order_path: str | None

    def read_once(self, base: str) -> None:
        """Reads the order on another instance of the service, so its reads are cache hits too."""
        if self.order_path is not None:
            get(base, self.order_path, self.session.authorization)


def choose_public_read(api: ServiceApi, base: str) -> PublicRead:
    """The first public GET of the API answered with caching headers; the OpenAPI document otherwise."""
    for path in api.public_reads():
        response = get(base, path)
        cache_control = response.headers.get("cache-control")
        if "etag" in response.headers or (
            cache_control and ("max-age" in cache_control or "public" in cache_control)
        ):
            return PublicRead(path, response.text, cache_control, f"`GET {path}`", stand_in=False)
    document = get(base, OPENAPI_PATH)
    note = (
        f"`GET {OPENAPI_PATH}` stands in: this template version has no public cached read "
        "(the OpenAPI document is built once and serialized on each request)"
    )
    return PublicRead(OPENAPI_PATH, document.text, document.headers.get("cache-control"), note, stand_in=True)


def prepare_fixtures(base: str, api: ServiceApi) -> Fixtures:
    session = register_and_login(base)
    public = choose_public_read(api, base)
    routes = [
        ReferenceRoute(
            "GET",
            HEALTH_LIVE,
            HEALTH_LIVE,
            get(base, HEALTH_LIVE).text,
            auth=False,
            probe=True,
            cached=False,
            cacheControl=None,
        ),
        ReferenceRoute(
            "GET",
            public.path,
            public.path,
            public.body,
            auth=False,
            probe=False,
            cached=True,
            cacheControl=public.cache_control,
        ),
    ]
    requests = {
        "health_live": HttpRequest("GET", HEALTH_LIVE),
        "public_cached_read": HttpRequest("GET", public.path),
    }
    if not api.has_orders:
        return Fixtures(session, requests, routes, public, order_path=None)

    order_body = api.body_example("post", ORDERS)
    order_path = f"{ORDERS}/{place_order(base, session, order_body)}"
    order = get(base, order_path, session.authorization)  # fills the cache: later reads are hits
    routes.append(
        ReferenceRoute(
            "GET",
            ORDER.replace("{id}", ":id"),
            order_path,
            order.text,
            auth=True,
            probe=False,
            cached=True,
            cacheControl=order.headers.get("cache-control"),
        )
    )
    read = HttpRequest("GET", order_path, session.authorization)
    write = HttpRequest(
        "POST",
        ORDERS,
        {**session.authorization, "content-type": "application/json"},
        json.dumps(order_body, separators=(",", ":")),
    )
    requests |= {"auth_cached_read": read, "auth_write": write, "auth_cached_read_traced": read}
    return Fixtures(session, requests, routes, public, order_path)

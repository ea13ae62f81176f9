"""The FastAPI application: ``create_app(settings)`` wires the database, templates, static files,
error pages and the routers.

Every page is rendered on the server (Jinja2) and works without JavaScript; htmx, served from
``/static/vendor`` (no CDN: users sit on intranets), adds live scoring and partial updates.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path

from fastapi import FastAPI
from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.responses import RedirectResponse
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp
from starlette.types import Message
from starlette.types import Receive
from starlette.types import Scope
from starlette.types import Send

from jixiao.errors import explain_text
from jixiao.settings import Settings
from jixiao.storage.accounts import Accounts
from jixiao.storage.browse import Browser
from jixiao.storage.db import open_database
from jixiao.storage.login_throttle import LoginThrottle
from jixiao.storage.store import Store
from jixiao.storage.workflow import Workflow
from jixiao.web import api_docs
from jixiao.web import batches
from jixiao.web import threads
from jixiao.web.body_limit import BodyCaps
from jixiao.web.body_limit import BodyLimit
from jixiao.web.deps import LoginRequired
from jixiao.web.deps import login_redirect
from jixiao.web.deps import render
from jixiao.web.deps import wants_json
from jixiao.web.filters import FILTERS
from jixiao.web.state import WebState

PACKAGE = Path(str(resources.files("jixiao.web")))
STATIC = PACKAGE / "static"
TEMPLATES = PACKAGE / "templates"

# Pages may load only what this server serves: no CDN, no inline script from elsewhere.
_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


class SecurityHeaders:
    """Adds the security headers to every response. A plain ASGI middleware: Starlette's
    ``BaseHTTPMiddleware`` streams each response through a task group and a memory stream, a
    sixth of the server's busy time in a profile of the list under load."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope["path"].startswith("/static/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", _CSP)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "same-origin")
                if not static:
                    headers.setdefault("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, with_headers)


def _templates() -> Jinja2Templates:
    # The templates are files of the installed package: never re-read (auto_reload would stat
    # every template, and each one it imports, on every page).
    templates = Jinja2Templates(directory=str(TEMPLATES))
    templates.env.auto_reload = False
    templates.env.filters.update(FILTERS)
    templates.env.globals["htmx_available"] = (STATIC / "vendor" / "htmx.min.js").exists()
    return templates


def create_app(settings: Settings, *, secure_cookies: bool = False) -> FastAPI:
    """The app over ``settings.database_url`` (created at the current schema if empty)."""
    from jixiao.web.routes import ROUTERS

    db = open_database(settings.database_url, serving=True)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        threads.configure()
        stop = threading.Event()
        batches.resume_unfinished(_app.state.web, stop)  # batches a stopped server left unread
        yield
        stop.set()
        _app.state.web.close_readers()
        db.close()

    app = FastAPI(
        lifespan=lifespan,
        title="jixiao 预算项目支出绩效自评",
        description="绩效自评的编写、复核与汇总。页面均有 JSON 版本；/api/ 下为 REST 接口，数据格式同评价合同（jixiao.evaluation/1）。",
        version="1",
        docs_url=None,  # /api/docs is jixiao.web.api_docs (Swagger UI would load from a CDN)
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.web = WebState(
        settings=settings,
        db=db,
        templates=_templates(),
        accounts=Accounts(db),
        store=Store(db),
        workflow=Workflow(db),
        browser=Browser(db),
        throttle=LoginThrottle(db),
        secure_cookies=secure_cookies,
    )
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    for router in ROUTERS:
        app.include_router(router)
    app.include_router(api_docs.router)

    # Added first, so it runs inside SecurityHeaders: its 413s carry the headers too.
    caps = BodyCaps(upload=settings.limits().max_file_bytes, other=settings.max_request_kb * 1024)
    app.add_middleware(BodyLimit, caps=caps)
    app.add_middleware(SecurityHeaders)

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, _exc: LoginRequired) -> Response:
        if wants_json(request):
            return JSONResponse({"detail": "请先登录"}, status_code=401)
        if request.headers.get("HX-Request"):
            return Response(status_code=401, headers={"HX-Redirect": "/login"})
        return RedirectResponse(login_redirect(request), status_code=303)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        detail = exc.detail if isinstance(exc.detail, str) else "请求无效"
        if exc.status_code == 404 and detail == "Not Found":
            detail = "页面不存在"
        if exc.status_code == 405:
            detail = "不支持此请求方式"
        return render(
            request,
            "error.html",
            {"detail": detail, "status": exc.status_code},
            status_code=exc.status_code,
            headers=exc.headers,
        )

    @app.exception_handler(OverflowError)
    async def overflow(request: Request, _exc: OverflowError) -> Response:
        # A number past what the database holds (an id of 30 digits) that no route bounded first.
        return render(
            request, "error.html", {"detail": "请求中的数字超出范围", "status": 400}, status_code=400
        )

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        return render(
            request,
            "error.html",
            {"detail": "提交的内容无效：" + explain_text(exc, "（请求内容）"), "status": 422},
            status_code=422,
        )

    return app

"""The pages to browse a codedb database: the function library (search as you type, a
function with its code highlighted, tests, results, dependencies, history), projects (a list
with filters, one project with its events, files and costs), costs (a chart per day and
provider, the alerts), templates and metrics. Server-rendered (Jinja2, every value escaped),
one small script for search as you type, no framework.

On a database with API keys the pages sign in once with a key (a form), then carry a signed
session cookie (HttpOnly, SameSite=Strict, Secure behind TLS, 12 hours); forms that change
data carry a CSRF token. Pages call the same domain APIs as the JSON routes."""

from __future__ import annotations

import hashlib
import time
from typing import Any
from urllib.parse import parse_qs, quote

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from ..errors import CodedbError, InvalidInput, NotFound, Unauthorized
from .html import bars, render
from .server import Server, error_answer, is_loopback, read_body

COOKIE = "codedb_session"
SESSION_SECONDS = 12 * 3600
FORM_LIMIT = 16 * 1024  # bytes a page's form may post


# --- who is looking -------------------------------------------------------------------------------


class SignIn(Exception):
    """The page needs a signed-in user."""


def session_value(server: Server, user: Any) -> str:
    expires = int(time.time()) + SESSION_SECONDS
    held = hashlib.sha256((user.api_key_hash or "").encode()).hexdigest()[:16]
    text = f"{user.user_id}.{expires}.{held}"
    return f"{text}.{server.sign(text)}"


def page_user(server: Server, cookie: str | None, host: str) -> Any:
    """The user a page's session cookie names (in a worker thread); None on a server without
    keys (loopback only). SignIn when the cookie is missing, expired, forged, or its user's
    key changed since."""
    if not server.keys_required():
        if not is_loopback(host):
            raise NotFound("a server without API keys answers loopback only")
        return None
    parts = (cookie or "").split(".")
    if len(parts) != 4:
        raise SignIn
    user_id, expires, held, signature = parts
    text = f"{user_id}.{expires}.{held}"
    if not server.signed(text, signature) or not expires.isdigit() or int(expires) < time.time():
        raise SignIn
    try:
        user = server.db().users.get(user_id)
    except NotFound:
        raise SignIn from None
    if not user.is_active or user.api_key_hash is None:
        raise SignIn
    if hashlib.sha256(user.api_key_hash.encode()).hexdigest()[:16] != held:
        raise SignIn
    return user


def _csrf_text(request: Request) -> str:
    """What a form's token signs: the session it is shown in."""
    return "csrf." + (request.cookies.get(COOKIE) or "anonymous")


def csrf_token(server: Server, request: Request) -> str:
    return server.sign(_csrf_text(request))


async def form_of(server: Server, request: Request) -> dict[str, str]:
    """A posted form's fields, after its CSRF token is checked (403 otherwise)."""
    raw = await read_body(request, FORM_LIMIT)
    try:
        fields = {k: v[0] for k, v in parse_qs(raw.decode("utf-8"), max_num_fields=20).items()}
    except (UnicodeDecodeError, ValueError):
        raise InvalidInput("the form could not be read; send it from the page") from None
    if not server.signed(_csrf_text(request), fields.get("csrf", "")):
        raise CsrfError
    return fields


class CsrfError(Exception):
    pass


# --- the pages: each a function (db, request, user) -> (template, context), run in a thread -------


def _limit(request: Request, default: int = 50) -> int:
    raw = request.query_params.get("limit", "")
    return min(int(raw), 500) if raw.isdigit() and int(raw) > 0 else default


def overview(db: Any, request: Request) -> tuple[str, dict[str, Any]]:
    return "index.html", {"counts": db.row_counts()}


def functions(db: Any, request: Request) -> tuple[str, dict[str, Any]]:
    q = request.query_params.get("q", "").strip()
    limit = _limit(request)
    error = None
    try:
        found = db.functions.search_ranked(q, limit=limit) if q else db.functions.list(limit=limit)
    except InvalidInput as exc:
        found, error = [], str(exc)
    name = "function_rows.html" if request.query_params.get("fragment") else "functions.html"
    return name, {"functions": found, "q": q, "error": error, "total": db.functions.count()}


def function(db: Any, request: Request) -> tuple[str, dict[str, Any]]:
    function_id = db.functions.resolve(request.path_params["function_id"])
    return "function.html", {
        "f": db.functions.get_summary(function_id),
        "tests": db.tests.list(function_id),
        "results": db.tests.results(function_id),
        "dependencies": db.dependencies.list(function_id, transitive=True),
        "dependents": db.dependencies.dependents(function_id),
        "history": db.modifications.list(function_id),
    }


def projects(db: Any, request: Request) -> tuple[str, dict[str, Any]]:
    from ..domains.projects.records import STATUSES

    status = request.query_params.get("status") or None
    text = request.query_params.get("q", "").strip() or None
    page = db.projects.list(status=status, text=text, sort="updated", descending=True, limit=_limit(request))
    return "projects.html", {"page": page, "statuses": STATUSES, "status": status, "q": text or ""}


def project(db: Any, request: Request) -> tuple[str, dict[str, Any]]:
    project_id = db.projects.resolve(request.path_params["project_id"])
    usage = db.usage.list(project_id=project_id, limit=100)
    return "project.html", {
        "o": db.projects.overview(project_id),
        "events": db.projects.history(project_id, limit=200),
        "files": db.generated_files.list(project_id),
        "generations": db.generations.list(project_id, limit=50),
        "usage": usage,
    }


def project_file(db: Any, request: Request) -> tuple[str, dict[str, Any]]:
    project_id = db.projects.resolve(request.path_params["project_id"])
    file = db.generated_files.get(project_id, request.path_params["file_path"])
    return "file.html", {"project": db.projects.get(project_id), "file": file}


def costs(db: Any, request: Request) -> tuple[str, dict[str, Any]]:
    days = db.usage.report("provider-day")[-60:]
    by_provider = db.usage.report("provider")
    chart = bars([(f"{r['period']} {r['provider']}", float(r["cost"] or 0)) for r in days][-30:], "")
    return "costs.html", {
        "chart": chart,
        "providers": by_provider,
        "provider_chart": bars(
            [(f"{r['provider']}/{r['model']}", float(r["cost"] or 0)) for r in by_provider]
        ),
        "alerts": db.usage.alerts(**request.app.state.server.settings["alerts"]),
    }


def templates(db: Any, request: Request) -> tuple[str, dict[str, Any]]:
    q = request.query_params.get("q", "").strip() or None
    return "templates.html", {"templates": db.templates.list(text=q, limit=_limit(request)), "q": q or ""}


def template(db: Any, request: Request) -> tuple[str, dict[str, Any]]:
    template_id = db.templates.resolve(request.path_params["template_id"])
    return "template.html", {"t": db.templates.get(template_id), "version": db.templates.version(template_id)}


def metrics(db: Any, request: Request) -> tuple[str, dict[str, Any]]:
    window = request.query_params.get("window") or None
    summary = db.metrics.summary(window=window)
    chart = bars([(s.operation, s.p95_ms or 0.0) for s in summary], " ms")
    return "metrics.html", {"summary": summary, "chart": chart, "window": window or ""}


PAGES = (
    ("/", overview),
    ("/functions", functions),
    ("/functions/{function_id}", function),
    ("/projects", projects),
    ("/projects/{project_id}", project),
    ("/projects/{project_id}/files/{file_path:path}", project_file),
    ("/costs", costs),
    ("/templates", templates),
    ("/templates/{template_id}", template),
    ("/metrics", metrics),
)


def _error_page(request: Request, status: int, detail: str) -> HTMLResponse:
    return HTMLResponse(render("error.html", request, status=status, detail=detail, user=None), status)


def routes(server: Server) -> list[BaseRoute]:
    """The pages' routes (PAGES), and sign-in, sign-out and dismissing an alert (forms)."""

    async def login(request: Request) -> Response:
        return await _login(server, request)

    async def logout(request: Request) -> Response:
        return await _logout(server, request)

    async def dismiss(request: Request) -> Response:
        return await _dismiss(server, request)

    made: list[BaseRoute] = [Route(path, _page(server, view), name=view.__name__) for path, view in PAGES]
    made += [
        Route("/login", login, methods=["GET", "POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/costs/dismiss", dismiss, methods=["POST"]),
    ]
    return made


def _page(server: Server, view: Any) -> Any:
    """The handler of a page: its view's template and context, for the signed-in user."""

    def run(request: Request) -> tuple[str, dict[str, Any]]:
        with server.guarded():
            user = page_user(server, request.cookies.get(COOKIE), request.headers.get("host", ""))
            name, context = view(server.db(), request)
        return name, {**context, "user": user}

    async def handle(request: Request) -> Response:
        try:
            name, context = await server.run(run, request)
        except SignIn:
            return RedirectResponse(f"/login?next={quote(request.url.path)}", 303)
        except Exception as exc:
            return _error_page(request, *error_answer(exc))
        context["csrf"] = csrf_token(server, request)
        return HTMLResponse(render(name, request, **context), headers=CSP)

    return handle


def _stale_form(request: Request) -> HTMLResponse:
    return _error_page(request, 403, "the form's token is missing or stale; reload the page and try again")


async def _login(server: Server, request: Request) -> Response:
    next_page = request.query_params.get("next", "/")
    if not next_page.startswith("/") or next_page.startswith("//"):
        next_page = "/"
    form = {"next": next_page, "user": None, "csrf": csrf_token(server, request)}
    if request.method == "GET":
        return HTMLResponse(render("login.html", request, error=None, **form), headers=CSP)
    try:
        fields = await form_of(server, request)
        user = await server.run(_authenticate, server, fields.get("key", ""))
    except (Unauthorized, CodedbError) as exc:
        return HTMLResponse(render("login.html", request, error=str(exc), **form), 401, headers=CSP)
    except CsrfError:
        return _stale_form(request)
    response = RedirectResponse(next_page, 303)
    response.set_cookie(
        COOKIE,
        session_value(server, user),
        max_age=SESSION_SECONDS,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https",
    )
    return response


async def _logout(server: Server, request: Request) -> Response:
    try:
        await form_of(server, request)
    except CsrfError:
        return _stale_form(request)
    response = RedirectResponse("/login", 303)
    response.delete_cookie(COOKIE)
    return response


async def _dismiss(server: Server, request: Request) -> Response:
    try:
        fields = await form_of(server, request)
        if server.read_only:
            raise InvalidInput("this server is read-only; alerts cannot be dismissed here")

        def run() -> None:
            with server.guarded():
                user = page_user(server, request.cookies.get(COOKIE), request.headers.get("host", ""))
                server.db().usage.dismiss_alert(
                    fields.get("alert_id", ""), by=None if user is None else user.username
                )

        await server.run(run)
    except SignIn:
        return RedirectResponse("/login?next=/costs", 303)
    except CsrfError:
        return _stale_form(request)
    except Exception as exc:
        return _error_page(request, *error_answer(exc))
    return RedirectResponse("/costs", 303)


def _authenticate(server: Server, key: str) -> Any:
    return server.db().users.authenticate(key.strip())


CSP = {
    "content-security-policy": (
        "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'"
    )
}

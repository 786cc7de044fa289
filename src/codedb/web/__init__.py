"""codedb over HTTP: YAGO's routes shape for shape, a JSON API for every domain, an OpenAPI
document, and pages to browse the database. `create_app(target)` is the ASGI application
(Starlette); `codedb serve` runs it with uvicorn, and another app can mount it:

    from codedb.web import create_app
    app = create_app("code_db.sqlite", read_only=True)     # uvicorn module:app
"""

from .app import create_app

__all__ = ["create_app"]

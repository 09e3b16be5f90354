"""The HTTP API and the web page: ``create_app(db)`` builds the FastAPI app over a database
file; ``serve(db, settings=...)`` runs it with uvicorn (``eventscope serve``)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from eventscope.serve.app import create_app
from eventscope.settings import Settings

__all__ = ["create_app", "serve"]


def serve(db: str | Path, *, settings: Settings, ingest: Sequence[str] = ()) -> None:
    """Check the database, then serve the API and page on ``settings.server`` host and port
    until interrupted. Raises ``StoreError`` when the file is missing or not eventscope's; a
    file that another process is writing is served all the same (reads answer 503 meanwhile).
    ``ingest``: documents to code into ``db`` while serving (``create_app``); the file is
    created if need be."""
    import uvicorn

    from eventscope.serve.database import Database, DatabaseBusy

    probe = Database(db)
    try:
        if not ingest or Path(db).exists():
            probe.check()
    except DatabaseBusy:
        pass  # an ingest is writing: reads answer 503 "database is busy" until it is done
    finally:
        probe.close()
    app = create_app(db, settings=settings, ingest=ingest)
    server = settings.server
    uvicorn.run(app, host=server.host, port=server.port, log_level="warning")

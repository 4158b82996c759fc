"""Print the OpenAPI document: `python -m kyso_server.openapi > app/kyso_server/openapi.json`.

Built from an app on a throwaway SQLite database so the output does not depend
on any local data."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any


def generate() -> dict[str, Any]:
    from .app import create_app
    from .config import Settings

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(Settings(db_url=f"sqlite:///{Path(tmp) / 'db.sqlite3'}", files_dir=Path(tmp) / "files"))
        doc = app.openapi()
        app.state.ctx.engine.dispose()
    return doc


def render() -> str:
    return json.dumps(generate(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def main() -> None:
    sys.stdout.write(render())


if __name__ == "__main__":
    main()

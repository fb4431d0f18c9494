"""What the optional groups of tests need from the machine, asked in one place.

The browser tests need Chromium; the integration tests need PostgreSQL and Redis. Without
them the group is skipped, and ``make test`` says so at the start and at the end of the run.
"""

import os
import shutil
from pathlib import Path

CHROMIUM = os.environ.get("RIPOSTE_CHROMIUM", "/usr/bin/chromium")


def missing_browser() -> str | None:
    if shutil.which(CHROMIUM) or Path(CHROMIUM).exists():
        return None
    return (
        f"Chromium not found at {CHROMIUM}: install it (Debian: apt install chromium) "
        "or point RIPOSTE_CHROMIUM at it"
    )


def missing_services() -> str | None:
    if not os.environ.get("REDIS_URL"):
        return "needs REDIS_URL (a real Redis broker)"
    if "postgres" not in os.environ.get("DATABASE_URL", ""):
        return "needs a PostgreSQL DATABASE_URL (SQLite cannot be shared with a worker)"
    return None


# Folder of the group, its name, and why it would be skipped (None: it runs).
GROUPS = (
    ("tests/e2e/", "browser tests", missing_browser),
    ("tests/integration/", "integration tests", missing_services),
)

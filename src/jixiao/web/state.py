"""What every request handler reaches through ``request.app.state.web``: the open database and
the services around it, the settings and the templates."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

from fastapi.templating import Jinja2Templates

from jixiao.portfolio.executors import ProcessExecutor
from jixiao.settings import Settings
from jixiao.storage.accounts import Accounts
from jixiao.storage.browse import Browser
from jixiao.storage.db import Database
from jixiao.storage.login_throttle import LoginThrottle
from jixiao.storage.store import Store
from jixiao.storage.workflow import Workflow
from jixiao.web.scan_pages import ScanPages


@dataclass(slots=True)
class WebState:
    settings: Settings
    db: Database
    templates: Jinja2Templates
    accounts: Accounts
    store: Store
    workflow: Workflow
    browser: Browser
    throttle: LoginThrottle
    secure_cookies: bool = False
    scan_pages: ScanPages = field(default_factory=ScanPages)  # scans the batches read now, by page
    _readers: ProcessExecutor | None = field(default=None, repr=False)

    @property
    def data_dir(self) -> Path:
        return self.settings.data_dir

    @property
    def readers(self) -> ProcessExecutor:
        """The server's warm worker processes that read uploads (``workers`` of them, started on the
        first upload and kept: a request never waits for workers to start once they are up)."""
        if self._readers is None:
            self._readers = ProcessExecutor.warm(max(1, self.settings.workers), self.settings.limits())
        return self._readers

    def close_readers(self) -> None:
        if self._readers is not None:
            self._readers.close()

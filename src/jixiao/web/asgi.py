"""The app for an ASGI server started by import string (``jixiao serve --workers N`` starts
several processes, each importing this module): settings from the config file and ``JIXIAO_*``
environment, which ``jixiao serve`` sets from its own options before starting them."""

from __future__ import annotations

import os

from jixiao.settings import load_settings
from jixiao.web.app import create_app

app = create_app(load_settings(), secure_cookies=os.environ.get("JIXIAO_SECURE_COOKIES") == "1")

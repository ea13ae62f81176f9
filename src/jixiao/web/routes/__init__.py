"""The app's routers, one module per area of the app; each holds its pages and their ``/api/`` twins."""

from __future__ import annotations

from fastapi import APIRouter

from jixiao.web.routes import admin
from jixiao.web.routes import auth
from jixiao.web.routes import dashboard
from jixiao.web.routes import editor
from jixiao.web.routes import editor_files
from jixiao.web.routes import evaluations
from jixiao.web.routes import export_zip
from jixiao.web.routes import review_scores
from jixiao.web.routes import rounds
from jixiao.web.routes import uploads
from jixiao.web.routes import years

ROUTERS: tuple[APIRouter, ...] = (
    auth.router,
    dashboard.router,
    export_zip.router,  # before evaluations: /evaluations/export.zip is not an evaluation's page
    evaluations.router,
    review_scores.router,
    rounds.router,
    editor.router,
    editor_files.router,
    uploads.router,
    years.router,
    admin.router,
)

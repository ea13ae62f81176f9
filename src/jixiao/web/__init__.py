"""The web app (``jixiao serve``): upload and review, authoring, and the portfolio dashboard."""

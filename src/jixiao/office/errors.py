"""What a conversion says when it fails, in Chinese, for the user."""

from __future__ import annotations


class ConversionError(Exception):
    """A conversion failed; ``reason`` says why, in Chinese, for the user."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class LibreOfficeMissing(ConversionError):
    """LibreOffice is not installed (each caller says what it needed it for)."""

    def __init__(self) -> None:
        super().__init__("本机未安装 LibreOffice；请运行 scripts/setup")

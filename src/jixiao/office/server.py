"""The helper that keeps one LibreOffice running for one jixiao process (run, not imported).

jixiao's own Python cannot load LibreOffice's UNO bridge (``pyuno`` is built for the system
Python), so :mod:`jixiao.office.pool` starts this file under a Python that can ``import uno``
(Debian's ``/usr/bin/python3`` with ``python3-uno``)::

    python3 server.py <parent pid> <soffice> <profile URL> <pipe name>

It starts ``soffice`` listening on a private UNO pipe (not a TCP port, which another process could
hold or reach), with its own profile, and converts one request at a time: a JSON line on stdin
(``{"src", "dst"}``, the target format by ``dst``'s suffix) answered by a JSON line on stdout
(``{"ok": true}`` or ``{"ok": false, "error": ...}``); its first line is ``{"ready": <soffice pid>}``.

The conversion is the few UNO calls ``soffice --convert-to`` makes (load hidden and read-only,
store through the export filter, close), with one saving: a text document converted to another
text format (.doc/.wps → .docx) is loaded into a bare document model, without the window, view
and page layout ``loadComponentFromURL`` makes. Layout is most of what loading a report costs
(measured: about a fifth of the CPU without it), and the text formats' export filters do not use
it: the stored body, styles and numbering are byte for byte the same; only the page and word counts
of ``docProps/app.xml`` and the view's zoom in ``word/settings.xml``, which jixiao does not read,
are left out. A PDF needs the layout, and sheets and web documents load as before. ``unoserver`` was measured for this and not taken: its
server waits a fixed 7 s at every start (a replaced office would cost that each time), and its
converter failed to load .xls files on LibreOffice 7.4 here.

It is the leader of its own process group, and LibreOffice (``oosplash`` → ``soffice.bin``) stays
in that group, so the pool kills everything with one ``killpg``. When its parent goes away —
stdin at end of file, or the parent pid no longer its parent after a ``kill -9`` — or it is told
to stop (SIGTERM, SIGHUP, SIGINT), or it fails in any way (an answer written to a parent that has
just died raises ``BrokenPipeError`` before the parent watch notices), it kills its whole group
itself: nothing is left running.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from typing import Any

CONNECT_TIMEOUT = 90.0
# LibreOffice without a window, a restored session, a splash, a start document or the lock check.
HEADLESS = ("--headless", "--invisible", "--norestore", "--nologo", "--nodefault", "--nolockcheck")


def _end_group() -> None:
    os.killpg(0, signal.SIGKILL)  # LibreOffice and this helper with it


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.2)
    _end_group()


_FILTERS = {  # (kind of document, target) → LibreOffice's export filter
    ("text", "docx"): "MS Word 2007 XML",
    ("text", "doc"): "MS Word 97",
    ("text", "odt"): "writer8",
    ("text", "html"): "HTML (StarWriter)",
    ("text", "pdf"): "writer_pdf_Export",
    ("sheet", "xlsx"): "Calc MS Excel 2007 XML",
    ("sheet", "xls"): "MS Excel 97",
    ("sheet", "ods"): "calc8",
    ("sheet", "pdf"): "calc_pdf_Export",
}


_TEXT_DOCUMENT = "com.sun.star.text.TextDocument"
_TEXT_TARGETS = {"docx", "doc", "odt", "html"}  # what a text document is stored as without its layout
_NEVER_EXECUTE = 0  # com.sun.star.document.MacroExecMode.NEVER_EXECUTE
_NO_UPDATE = 0  # com.sun.star.document.UpdateDocMode.NO_UPDATE: no external links fetched


class Converter:
    """Loads a file hidden and read-only, stores it through the target's filter, closes it."""

    def __init__(self, pipe: str, office: subprocess.Popen[bytes]) -> None:
        import uno  # type: ignore[import-not-found]
        from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]

        self.uno, self.prop = uno, PropertyValue
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        deadline = time.monotonic() + CONNECT_TIMEOUT
        while True:
            try:
                context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except Exception:
                if office.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        self.context, self.services = context, context.ServiceManager
        self.desktop = self.services.createInstanceWithContext("com.sun.star.frame.Desktop", context)
        self.detection = self.services.createInstanceWithContext(
            "com.sun.star.document.TypeDetection", context
        )
        self.filters = self.services.createInstanceWithContext("com.sun.star.document.FilterFactory", context)

    def _props(self, **values: Any) -> tuple[Any, ...]:
        return tuple(self.prop(Name=name, Value=value) for name, value in values.items())

    def convert(self, src: str, dst: str) -> None:
        target = dst.rpartition(".")[2]
        if target in _TEXT_TARGETS:
            text_filter = self._text_import_filter(src)
            if text_filter is not None:
                self._convert_text(src, dst, text_filter, _FILTERS[("text", target)])
                return
        self._convert_viewed(src, dst)

    def _text_import_filter(self, src: str) -> str | None:
        """The import filter LibreOffice's type detection chooses for ``src`` when it loads a
        text document (Writer, not Writer/Web), else ``None``."""
        found, descriptor = self.detection.queryTypeByDescriptor(
            self._props(URL=self.uno.systemPathToFileUrl(src)), True
        )
        if not found:
            return None
        chosen = _named(descriptor).get("FilterName")
        if not chosen:
            chosen = _named(self.detection.getByName(found)).get("PreferredFilter")
        if not chosen or not self.filters.hasByName(chosen):
            return None
        if _named(self.filters.getByName(chosen)).get("DocumentService") != _TEXT_DOCUMENT:
            return None
        return str(chosen)

    def _convert_text(self, src: str, dst: str, import_filter: str, export_filter: str) -> None:
        """Load ``src`` into a bare text document model (no window, view or layout) and store it."""
        url = self.uno.systemPathToFileUrl
        doc = self.services.createInstanceWithContext(_TEXT_DOCUMENT, self.context)
        try:
            doc.load(
                self._props(
                    URL=url(src),
                    FilterName=import_filter,
                    ReadOnly=True,
                    MacroExecutionMode=_NEVER_EXECUTE,
                    UpdateDocMode=_NO_UPDATE,
                )
            )
            doc.storeToURL(url(dst), self._props(FilterName=export_filter, Overwrite=True))
        finally:
            doc.close(True)

    def _convert_viewed(self, src: str, dst: str) -> None:
        url = self.uno.systemPathToFileUrl
        doc = self.desktop.loadComponentFromURL(
            url(src), "_blank", 0, self._props(Hidden=True, ReadOnly=True)
        )
        if doc is None:
            raise RuntimeError("LibreOffice 无法识别此文件的格式")
        try:
            if doc.supportsService("com.sun.star.sheet.SpreadsheetDocument"):
                kind = "sheet"
            elif doc.supportsService("com.sun.star.text.GenericTextDocument"):
                kind = "text"
            else:
                kind = "other"
            target = dst.rpartition(".")[2]
            chosen = _FILTERS.get((kind, target))
            if chosen is None:
                raise RuntimeError(f"此文件不能转换为 .{target}")
            doc.storeToURL(url(dst), self._props(FilterName=chosen, Overwrite=True))
        finally:
            doc.close(True)


def _named(values: Any) -> dict[str, Any]:
    """A UNO sequence of named values (a type's or a filter's properties) as a dict."""
    return {p.Name: p.Value for p in values}


def _reply(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def main(argv: list[str]) -> None:
    parent, exe, profile, pipe = argv
    # Stopped itself (kill, a service manager, a terminal closed): LibreOffice goes with it.
    for stop in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(stop, lambda _signum, _frame: _end_group())
    threading.Thread(target=_watch_parent, args=(int(parent),), daemon=True).start()
    if os.getppid() != int(parent):
        _end_group()
    try:
        office = subprocess.Popen(
            [
                exe,
                f"-env:UserInstallation={profile}",
                *HEADLESS,
                "--nocrashreport",
                f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    except OSError as exc:
        _reply({"error": exc.strerror or str(exc)})
        _end_group()
    try:
        converter = Converter(pipe, office)
    except Exception as exc:
        code = office.poll()
        _reply({"error": f"LibreOffice 启动后即退出（退出码 {code}）" if code is not None else str(exc)})
        _end_group()
    _reply({"ready": office.pid})
    for line in sys.stdin:
        request = json.loads(line)
        try:
            converter.convert(request["src"], request["dst"])
        except Exception as exc:
            if office.poll() is not None or "DisposedException" in type(exc).__name__:
                # LibreOffice died (or its bridge did): this helper cannot convert any more.
                _reply({"ok": False, "crashed": True, "error": "LibreOffice 进程意外退出"})
                _end_group()
            _reply({"ok": False, "error": f"{type(exc).__name__}: {exc}"})
        else:
            _reply({"ok": True})
    # stdin closed: jixiao is gone or done (the group is ended on the way out, below)


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    finally:
        # However it ends — a reply to a parent that is gone (BrokenPipeError), a request it cannot
        # parse, any other error — LibreOffice does not outlive it.
        _end_group()

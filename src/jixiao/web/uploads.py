"""The upload service: take submitted files from the browser, read them, and store them.

A file arrives in one of two ways: streamed (``/api/uploads``, one file per request, as the
upload page's script sends them) straight from the request body into a temporary file under
``<data_dir>/uploads/``, refused with 413 as soon as it passes the size limit; or, from the plain
form without JavaScript, as Starlette already parsed it, copied under the same limit. Either way
the client's file name is never a path: only its last component, cleaned, is kept as the name
people see, and its suffix (when it is one jixiao reads, ``jixiao.services.READABLE``)
names the temporary file, whose stem is random.

Then the files go through ``jixiao.services.ingest``, the one way a document enters the
database (``jixiao import`` uses it too): a file whose SHA-256 the database knows is answered
“已在库中” (with the evaluation it belongs to, when that can be found); any other is extracted in
one of the server's warm worker processes (``WebState.readers``) under the per-file timeout, read
under the name people see, its original
kept in the archive, and saved with an audit entry — every form of a file that holds several,
each with its part, in one transaction. A file that cannot be read is stored too — with its
``UNREADABLE_DOCUMENT`` finding — so the reviewer sees it. The temporary files are removed
whatever happens.
"""

from __future__ import annotations

import dataclasses
import re
import secrets
import time
from collections.abc import AsyncIterator
from collections.abc import Callable
from collections.abc import Hashable
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from decimal import Decimal
from pathlib import Path
from typing import Any
from typing import BinaryIO
from urllib.parse import unquote

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser
from python_multipart.multipart import parse_options_header
from starlette.concurrency import run_in_threadpool

from jixiao.core.model import Evaluation
from jixiao.core.model import Severity
from jixiao.core.numbers import fmt_score
from jixiao.errors import JixiaoError
from jixiao.limits import Limits
from jixiao.limits import human_size
from jixiao.portfolio.executors import Executor
from jixiao.services import READABLE
from jixiao.services import Incoming
from jixiao.services import ingest
from jixiao.storage.archive import Hasher
from jixiao.storage.archive import clean_name
from jixiao.storage.store import filed_unit
from jixiao.storage.workflow import Actor
from jixiao.web.state import WebState

CHUNK = 1 << 16
UPLOADS = "uploads"
# Room for the multipart framing and the small fields around one file.
_OVERHEAD = 64 * 1024
_MAX_FIELD = 4096
_UNREADABLE = "UNREADABLE_DOCUMENT"
# Hidden files and Office lock files (~$报告.docx) in a chosen folder are not submissions.
_SKIPPED_PREFIXES = (".", "~$")


class UploadRefused(Exception):
    """A file (or a whole request) that is not taken, with the HTTP status and a Chinese reason."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


# -- names ------------------------------------------------------------------------------------------


def display_name(raw: str | None) -> str:
    """The name people see for a client's file name (``jixiao.storage.archive.clean_name``)."""
    return clean_name(raw)


def suffix_of(name: str) -> str | None:
    """The name's suffix (lower case, with its dot) when jixiao reads that type, else None."""
    _, dot, suffix = name.rpartition(".")
    found = f".{suffix.lower()}" if dot else ""
    return found if found in READABLE else None


def accepted() -> tuple[str, ...]:
    """The suffixes an upload may have (for the page and its script)."""
    return tuple(READABLE)


def refusal(name: str) -> UploadRefused | None:
    """Why a file of this (display) name is not taken, before reading any of it."""
    if name.startswith(_SKIPPED_PREFIXES):
        return UploadRefused(415, "隐藏文件或 Office 临时文件（~$ 开头），已跳过")
    if suffix_of(name) is None:
        shown = f"“.{name.rpartition('.')[2]}”" if "." in name else "（无扩展名）"
        return UploadRefused(
            415, f"不支持的文件类型{shown}：只接受 {'、'.join(s.lstrip('.') for s in READABLE)} 文件"
        )
    return None


def too_large(limit: int) -> UploadRefused:
    return UploadRefused(413, f"文件超过大小上限 {human_size(limit)}，未上传")


# -- receiving --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Received:
    """A file as it arrived, kept under ``<data_dir>/uploads/`` under a random name."""

    name: str
    suffix: str
    path: Path
    size: int
    sha256: str


class _Sink:
    """One file being written: counted against the limit and hashed as it goes."""

    def __init__(self, directory: Path, name: str, suffix: str, limit: int) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.name = name
        self.suffix = suffix
        self.limit = limit
        self.path = directory / f"{secrets.token_hex(16)}{suffix}"
        self.size = 0
        self.hash = Hasher()
        self.file: BinaryIO = self.path.open("xb")

    def write(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > self.limit:
            raise too_large(self.limit)
        self.hash.update(data)
        self.file.write(data)

    def close(self) -> Received:
        self.file.close()
        return Received(self.name, self.suffix, self.path, self.size, self.hash.hexdigest())

    def discard(self) -> None:
        self.file.close()
        self.path.unlink(missing_ok=True)


def uploads_dir(state: WebState) -> Path:
    return state.data_dir / UPLOADS


def max_bytes(state: WebState) -> int:
    return state.settings.limits().max_file_bytes


def _open_sink(filename: str | None, directory: Path, limit: int, also: tuple[str, ...] = ()) -> _Sink:
    """Where a client's file goes, once its (display) name is one jixiao takes (or ends with one
    of the suffixes ``also`` allows: an archive of a batch upload)."""
    name = display_name(filename)
    extra = next(
        (s for s in also if name.lower().endswith(s) and not name.startswith(_SKIPPED_PREFIXES)), None
    )
    if extra is not None:
        return _Sink(directory, name, extra, limit)
    refused = refusal(name)
    if refused is not None:
        raise refused
    suffix = suffix_of(name)
    assert suffix is not None
    return _Sink(directory, name, suffix, limit)


def _disposition(raw: bytes) -> tuple[str, str | None]:
    """A part's field name and file name (None for a plain field), from Content-Disposition;
    ``filename*=UTF-8''…`` (RFC 5987) is read too."""
    _, options = parse_options_header(raw)
    name = options.get(b"name", b"").decode("utf-8", "replace")
    if b"filename" in options:
        return name, options[b"filename"].decode("utf-8", "replace")
    star = re.search(rb"filename\*\s*=\s*([\w-]*)'[^']*'([^;\s]+)", raw, re.IGNORECASE)
    if star:
        charset = star.group(1).decode("ascii", "replace") or "utf-8"
        try:
            return name, unquote(star.group(2).decode("ascii", "replace"), encoding=charset, errors="replace")
        except LookupError:
            return name, unquote(star.group(2).decode("ascii", "replace"))
    return name, None


@dataclass(slots=True)
class _Part:
    headers: dict[bytes, bytes] = field(default_factory=dict)
    header_field: bytes = b""
    header_value: bytes = b""
    name: str = ""
    value: bytearray = field(default_factory=bytearray)
    sink: _Sink | None = None
    is_file: bool = False


async def receive_stream(
    headers: Mapping[str, str], stream: AsyncIterator[bytes], directory: Path, limit: int
) -> tuple[Received, dict[str, str]]:
    """Stream a ``multipart/form-data`` body holding one file (field ``file``) to ``directory``.

    Returns the file and the plain fields. Raises :class:`UploadRefused`: 413 as soon as the body
    or the file passes ``limit``, 415 for a type jixiao does not read (before writing any of it),
    400 for a request that is not one file.
    """
    content_type, params = parse_options_header(headers.get("content-type", ""))
    boundary = params.get(b"boundary")
    if content_type != b"multipart/form-data" or not boundary:
        raise UploadRefused(400, "请以 multipart/form-data 上传文件（字段名 file）")
    length = headers.get("content-length", "")
    if length.isdigit() and int(length) > limit + _OVERHEAD:
        raise too_large(limit)

    events: list[tuple[str, bytes]] = []

    def note(kind: str) -> Callable[..., None]:
        """A parser callback that queues its event (with the data slice, for data events)."""

        def callback(*args: Any) -> None:
            events.append((kind, bytes(args[0][args[1] : args[2]]) if args else b""))

        return callback

    parser = MultipartParser(
        boundary,
        {
            "on_part_begin": note("begin"),
            "on_header_field": note("header_field"),
            "on_header_value": note("header_value"),
            "on_header_end": note("header_end"),
            "on_headers_finished": note("headers_done"),
            "on_part_data": note("data"),
            "on_part_end": note("end"),
        },
    )
    files: list[Received] = []
    fields: dict[str, str] = {}
    part = _Part()
    total = 0
    try:
        async for chunk in stream:
            total += len(chunk)
            if total > limit + _OVERHEAD:
                raise too_large(limit)
            try:
                parser.write(chunk)
            except MultipartParseError:
                raise UploadRefused(400, "上传内容不是有效的 multipart/form-data，未保存") from None
            for kind, data in events:
                part = await _handle(kind, data, part, files, fields, directory, limit)
            events.clear()
        parser.finalize()
        if part.sink is not None:  # the body ended inside the file: a truncated upload
            raise UploadRefused(400, "上传内容不完整（文件未传完），未保存；请重新上传")
    except BaseException:
        if part.sink is not None:
            part.sink.discard()
        for done in files:
            done.path.unlink(missing_ok=True)
        raise
    if len(files) != 1:
        for done in files:
            done.path.unlink(missing_ok=True)
        raise UploadRefused(400, "没有收到文件（字段名 file）" if not files else "每次请求只能上传一个文件")
    return files[0], fields


async def _handle(
    kind: str,
    data: bytes,
    part: _Part,
    files: list[Received],
    fields: dict[str, str],
    directory: Path,
    limit: int,
) -> _Part:
    if kind == "begin":
        return _Part()
    if kind == "header_field":
        part.header_field += data
    elif kind == "header_value":
        part.header_value += data
    elif kind == "header_end":
        part.headers[part.header_field.lower()] = part.header_value
        part.header_field = part.header_value = b""
    elif kind == "headers_done":
        part.name, filename = _disposition(part.headers.get(b"content-disposition", b""))
        if filename is not None:
            part.is_file = True
            if part.name != "file":
                return part  # another file field: ignored
            if files:
                raise UploadRefused(400, "每次请求只能上传一个文件")
            part.sink = _open_sink(filename, directory, limit)
    elif kind == "data":
        if part.sink is not None:
            sink = part.sink
            await run_in_threadpool(sink.write, data)
        elif not part.is_file:
            part.value += data
            if len(part.value) > _MAX_FIELD:
                raise UploadRefused(400, f"字段“{part.name}”过长")
    elif kind == "end":
        if part.sink is not None:
            files.append(part.sink.close())
            part.sink = None
        elif not part.is_file:
            fields[part.name] = part.value.decode("utf-8", "replace")
    return part


def receive_copy(
    filename: str | None, source: BinaryIO, directory: Path, limit: int, *, also: tuple[str, ...] = ()
) -> Received:
    """Copy an already parsed upload (the form without JavaScript) under the same rules."""
    sink = _open_sink(filename, directory, limit, also)
    try:
        source.seek(0)
        while chunk := source.read(CHUNK):
            sink.write(chunk)
    except BaseException:
        sink.discard()
        raise
    return sink.close()


def discard(files: Iterable[Received]) -> None:
    for f in files:
        f.path.unlink(missing_ok=True)


# -- reading and storing ----------------------------------------------------------------------------

STATUS_LABELS = {"done": "完成", "unreadable": "无法读取", "known": "已在库中", "failed": "失败"}


@dataclass(frozen=True, slots=True)
class UploadResult:
    """What became of one file: ``done`` (read and stored), ``unreadable`` (stored, with the
    reason), ``known`` (already stored before), ``failed`` (not taken: ``reason`` says why)."""

    name: str
    status: str
    size: int = 0
    evaluation_id: int | None = None
    project: str | None = None
    unit: str | None = None  # as the document names it
    stored_unit: str | None = None  # the unit it was saved under (a unit user's own)
    year: int | None = None
    claimed_total: Decimal | None = None
    computed_total: Decimal | None = None
    grade: str | None = None
    errors: int = 0
    warnings: int = 0
    infos: int = 0
    reason: str | None = None
    part: str | None = None  # which form of the file, when it holds several
    more: tuple[UploadResult, ...] = ()  # the file's further forms, each its own evaluation

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def url(self) -> str | None:
        return None if self.evaluation_id is None else f"/evaluations/{self.evaluation_id}"

    @property
    def unit_text(self) -> str | None:
        """The unit for people: the one saved under, and the document's own when it differs."""
        if self.stored_unit is None:
            return self.unit
        if self.unit and self.unit.strip() != self.stored_unit:
            return f"{self.stored_unit}（文件中填写的单位：{self.unit}）"
        return self.stored_unit

    def as_json(self) -> dict[str, object]:
        """The API's answer for this file (scores as exact decimal strings)."""
        return {
            "name": self.name,
            "status": self.status,
            "label": self.label,
            "size": self.size,
            "size_text": human_size(self.size),
            "evaluation_id": self.evaluation_id,
            "url": self.url,
            "project": self.project,
            "unit": self.unit,
            "stored_unit": self.stored_unit,
            "unit_text": self.unit_text,
            "year": self.year,
            "claimed_total": None if self.claimed_total is None else fmt_score(self.claimed_total),
            "computed_total": None if self.computed_total is None else fmt_score(self.computed_total),
            "grade": self.grade,
            "errors": self.errors,
            "warnings": self.warnings,
            "infos": self.infos,
            "reason": self.reason,
            "part": self.part,
            "more": [other.as_json() for other in self.more],
        }


def failed(name: str, reason: str, size: int = 0) -> UploadResult:
    return UploadResult(name=name, status="failed", size=size, reason=reason)


def _result(
    f: Received, ev: Evaluation, evaluation_id: int, status: str, stored_unit: str | None
) -> UploadResult:
    counts = dict.fromkeys(Severity, 0)
    for finding in ev.findings:
        counts[finding.severity] += 1
    reason = next((x.message for x in ev.findings if x.code == _UNREADABLE), None)
    return UploadResult(
        name=f.name,
        status=status,
        size=f.size,
        evaluation_id=evaluation_id,
        project=ev.project.name,
        unit=ev.project.unit,
        stored_unit=stored_unit,
        year=ev.project.year,
        claimed_total=ev.claimed.total,
        computed_total=ev.computed.total,
        grade=ev.computed.grade,
        errors=counts[Severity.ERROR],
        warnings=counts[Severity.WARNING],
        infos=counts[Severity.INFO],
        reason=reason,
        part=ev.source.part if ev.source is not None else None,
    )


def find_stored(state: WebState, sha256: str, unit_id: int | None = None) -> int | None:
    """The latest version of the evaluation a stored document belongs to (of unit ``unit_id``'s
    documents, when given)."""
    return state.workflow.for_document(sha256, unit_id)


def _known(
    state: WebState, f: Received, scope_unit_id: int | None, stored_id: int | None = None
) -> UploadResult:
    """A file whose bytes this user's unit (anyone, for admins and reviewers) already holds:
    linked to its evaluation. Nothing is said about another unit's copy."""
    found = stored_id if stored_id is not None else find_stored(state, f.sha256, scope_unit_id)
    meta = state.workflow.meta(found) if found is not None else None
    if meta is None or (scope_unit_id is not None and meta.unit_id != scope_unit_id):
        return UploadResult(name=f.name, status="failed", size=f.size, reason="未能保存，请重新上传")
    ev = state.store.get(meta.id)
    if ev is None:
        return UploadResult(name=f.name, status="known", size=f.size)
    return _result(f, ev, meta.id, "known", meta.unit)


def incoming(path: Path, name: str, sha256: str | None, size: int) -> Incoming:
    """An uploaded file for ``ingest``: read and stored under the name it was sent as."""
    return Incoming(path, name, sha256, size, f"上传：{name}", shown=name)


def ingest_uploads(
    state: WebState,
    items: Sequence[Incoming],
    *,
    actor: Actor,
    unit: str | None,
    scope_unit_id: int | None,
    year: int | None,
    limits: Limits | None = None,
    executor: Executor | None = None,
    on_saved: Callable[[Any], None] | None = None,
    keep_evaluations: bool = False,
) -> list[Any]:
    """``jixiao.services.ingest`` of uploaded files (action ``upload``), one answer per item
    (with its evaluations when ``keep_evaluations``)."""
    return ingest(
        items,
        state.store,
        state.data_dir,
        actor=actor,
        action="upload",
        executor=executor,
        limits=limits or state.settings.limits(),
        unit=unit,
        scope_unit_id=scope_unit_id,
        year=year,
        on_saved=on_saved,
        keep_evaluations=keep_evaluations,
    )


def process(
    state: WebState,
    files: Sequence[Received],
    *,
    actor: Actor,
    unit: str | None,
    scope_unit_id: int | None,
    year: int | None,
    limits: Limits | None = None,
    pages_key: Hashable | None = None,
) -> list[UploadResult]:
    """Read and store ``files`` (see the module docstring); one result per file, in order.

    ``unit`` is the unit the evaluations are saved under (a unit user's own; None: the unit the
    document names); ``scope_unit_id`` limits which existing evaluations may be linked to.
    With ``pages_key``, a scan's pages are recorded under it in ``state.scan_pages`` as they are
    recognised (the upload page polls them), until this returns.
    """
    results: dict[int, UploadResult] = {}
    executor = state.readers  # warm: the server's workers
    if pages_key is not None:
        names = {f.path: f.name for f in files}

        def paged(path: Path, done: int, total: int) -> None:
            if path in names:
                state.scan_pages.page(pages_key, path, names[path], done, total)

        executor = dataclasses.replace(executor, on_page=paged)
    try:
        items = [incoming(f.path, f.name, f.sha256, f.size) for f in files]
        try:
            answers = ingest_uploads(
                state,
                items,
                actor=actor,
                unit=unit,
                scope_unit_id=scope_unit_id,
                year=year,
                limits=limits,
                executor=executor,
                keep_evaluations=True,  # each result says what was read
            )
        except JixiaoError as exc:  # no worker process could be started: only held files answer
            held = state.store.known_hashes((f.sha256 for f in files), unit_id=scope_unit_id)
            return [
                _known(state, f, scope_unit_id)
                if f.sha256 in held
                else failed(f.name, f"未能读取：{exc.message}", f.size)
                for f in files
            ]
        for i, (f, answer) in enumerate(zip(files, answers, strict=True)):
            if answer.ids is not None:
                results[i] = _stored(f, answer.evaluations, answer.ids, unit=unit, year=year)
            elif answer.refused is not None:  # its project × year is approved and locked
                results[i] = failed(f.name, answer.refused, f.size)
            elif answer.earlier is None:  # held before, or stored meanwhile by another request
                results[i] = _known(state, f, scope_unit_id)
        for i, (f, answer) in enumerate(zip(files, answers, strict=True)):
            if i not in results:  # the same bytes as an earlier file of this request
                earlier = results.get(answer.earlier if answer.earlier is not None else -1)
                stored_id = earlier.evaluation_id if earlier is not None else None
                results[i] = _known(state, f, scope_unit_id, stored_id)
    finally:
        if pages_key is not None:
            state.scan_pages.stopped(pages_key)
        discard(files)
    return [results[i] for i in range(len(files))]


def _stored(
    f: Received, evaluations: list[Evaluation], ids: list[int], *, unit: str | None, year: int | None
) -> UploadResult:
    results = []  # one per form of the file
    for read, new_id in zip(evaluations, ids, strict=True):
        ev = read
        if year is not None:
            ev = ev.model_copy(update={"project": ev.project.model_copy(update={"year": year})})
        unreadable = any(x.code == _UNREADABLE for x in ev.findings)
        results.append(_result(f, ev, new_id, "unreadable" if unreadable else "done", filed_unit(ev, unit)))
    return dataclasses.replace(results[0], more=tuple(results[1:]))


def cleanup_stale(directory: Path, older_than: float = 24 * 3600) -> None:
    """Remove temporary files left by a server that stopped mid-upload (best effort)."""
    if not directory.is_dir():
        return
    now = time.time()
    for entry in directory.iterdir():
        try:
            if entry.is_file() and now - entry.stat().st_mtime > older_than:
                entry.unlink()
        except OSError:
            continue

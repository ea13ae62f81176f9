"""Uploaded archives: a .zip of submissions opened into its member files, under the same bomb
limits as every other container (:class:`jixiao.limits.Limits`).

Before anything is unpacked the archive's directory is checked as a whole: at most
``max_archive_members`` members, a declared unpacked total within ``max_unpacked_bytes``, no
member compressing better than ``max_ratio`` : 1 (above 1 MB). Then each member is taken or
refused on its own, with the reason: a link (symlink) is never followed, a name that climbs out
(``../``, an absolute path, a drive) is refused, an encrypted member cannot be read, a member
over ``max_file_bytes`` is refused, a type jixiao does not read is refused (hidden files,
``__MACOSX`` and Office lock files are passed over silently). A member's bytes are written under
a random name (never its own name) and counted as they come, so an archive whose directory lies
about sizes is stopped at the limit all the same. An archive inside the archive is opened in turn
up to ``max_archive_depth``.

Only .zip is read: no well-kept pure-Python library on PyPI reads .rar without the ``unrar``
program, and .7z (py7zr) would be a new dependency for a rare format; both are refused with a
message asking for .zip.
"""

from __future__ import annotations

import secrets
import stat
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from pathlib import PurePosixPath

from jixiao.limits import Limits
from jixiao.limits import human_size
from jixiao.limits import unpack_refusal
from jixiao.storage.archive import Hasher
from jixiao.storage.archive import clean_name

ARCHIVES = (".zip",)
UNSUPPORTED_ARCHIVES = (".rar", ".7z", ".tar", ".gz", ".tgz", ".bz2", ".xz")
_CHUNK = 1 << 16
_SILENT = ("__MACOSX/",)
_SILENT_PREFIXES = (".", "~$")


class ArchiveRefused(Exception):
    """The whole archive is refused (a bomb, not a zip): ``reason`` in Chinese."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Member:
    """A member of an archive: taken (``path``, ``sha256``) or refused (``reason``)."""

    name: str  # archive/inner/path.docx, as people see it
    size: int
    path: Path | None = None
    sha256: str | None = None
    reason: str | None = None


def is_archive(name: str) -> bool:
    return name.lower().endswith(ARCHIVES)


def unsupported_archive(name: str) -> str | None:
    """Why an archive of this type is not opened (None: it is not one of those)."""
    lowered = name.lower()
    if lowered.endswith(UNSUPPORTED_ARCHIVES):
        return f"不支持 .{lowered.rpartition('.')[2]} 压缩包：请改用 .zip 压缩后上传（或直接上传其中的文件）"
    return None


def _unsafe(member: str) -> bool:
    """A member name that would climb out of a folder it was unpacked into."""
    if member.startswith(("/", "\\")) or (len(member) > 1 and member[1] == ":"):
        return True
    return any(part == ".." for part in member.replace("\\", "/").split("/"))


def _is_link(info: zipfile.ZipInfo) -> bool:
    return stat.S_ISLNK(info.external_attr >> 16)


def _shown(archive: str, member: str) -> str:
    parts = [clean_name(p) for p in member.replace("\\", "/").split("/") if p]
    return "/".join([archive, *parts])


def _check_directory(infos: list[zipfile.ZipInfo], name: str, limits: Limits) -> None:
    if len(infos) > limits.max_archive_members:
        raise ArchiveRefused(
            f"压缩包“{name}”有 {len(infos)} 个成员，超过上限 {limits.max_archive_members} 个，已拒绝"
        )
    refusal = unpack_refusal(infos, limits, f"压缩包“{name}”")
    if refusal:
        raise ArchiveRefused(refusal)


class _Budget:
    """The bytes all members of one upload may still unpack to (across nested archives)."""

    def __init__(self, limit: int) -> None:
        self.left = limit
        self.limit = limit

    def spend(self, n: int) -> None:
        self.left -= n
        if self.left < 0:
            raise ArchiveRefused(f"压缩包展开后超过 {human_size(self.limit)}（疑似压缩炸弹），已拒绝")


def open_archive(
    path: Path,
    name: str,
    directory: Path,
    limits: Limits,
    readable: Callable[[str], str | None],
) -> list[Member]:
    """The members of the archive at ``path`` (known as ``name``), each written under
    ``directory`` or refused; ``readable(name)`` is the suffix jixiao reads for a member's name
    (None: not a type it reads). Raises :class:`ArchiveRefused` for the whole archive; nothing it
    wrote is left behind then."""
    members: list[Member] = []
    try:
        _open(path, name, directory, limits, readable, 1, _Budget(limits.max_unpacked_bytes), members)
    except BaseException:
        for m in members:
            if m.path is not None:
                m.path.unlink(missing_ok=True)
        raise
    return members


def _open(
    path: Path,
    name: str,
    directory: Path,
    limits: Limits,
    readable: Callable[[str], str | None],
    depth: int,
    budget: _Budget,
    members: list[Member],
) -> None:
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, UnicodeDecodeError, ValueError, EOFError, NotImplementedError):
        raise ArchiveRefused(f"“{name}”不是有效的 zip 压缩包（或已损坏），已拒绝") from None
    except OSError as exc:
        raise ArchiveRefused(f"无法读取压缩包“{name}”（{exc.strerror or exc}）") from None
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        _check_directory(infos, name, limits)
        for info in infos:
            member = info.filename
            shown = _shown(name, member)
            last = PurePosixPath(member.replace("\\", "/")).name
            if member.startswith(_SILENT) or last.startswith(_SILENT_PREFIXES):
                continue
            refused = _refusal(info, shown, limits, readable, depth)
            if refused is not None:
                members.append(Member(shown, info.file_size, reason=refused))
                continue
            suffix = ".zip" if is_archive(last) else readable(last)
            assert suffix is not None
            target = directory / f"{secrets.token_hex(16)}{suffix}"
            try:
                size, sha = _unpack(zf, info, target, limits, budget)
            except _MemberError as exc:
                target.unlink(missing_ok=True)
                members.append(Member(shown, info.file_size, reason=exc.reason))
                continue
            if suffix == ".zip":
                try:
                    _open(target, shown, directory, limits, readable, depth + 1, budget, members)
                except ArchiveRefused as exc:
                    members.append(Member(shown, size, reason=exc.reason))
                finally:
                    target.unlink(missing_ok=True)
                continue
            members.append(Member(shown, size, target, sha))


def _refusal(
    info: zipfile.ZipInfo, shown: str, limits: Limits, readable: Callable[[str], str | None], depth: int
) -> str | None:
    member = info.filename
    last = PurePosixPath(member.replace("\\", "/")).name
    if _is_link(info):
        return "压缩包内的符号链接，不予读取"
    if _unsafe(member):
        return f"压缩包内的路径“{member}”指向压缩包之外，已拒绝"
    if info.flag_bits & 0x1:
        return "压缩包内的文件已加密（设有密码），无法读取；请解密后重新上传"
    if info.file_size > limits.max_file_bytes:
        return f"文件超过大小上限 {human_size(limits.max_file_bytes)}，未读取"
    if is_archive(last):
        if depth >= limits.max_archive_depth:
            return f"压缩包嵌套超过 {limits.max_archive_depth} 层，未展开"
        return None
    other = unsupported_archive(last)
    if other is not None:
        return other
    if readable(last) is None:
        shown_suffix = f"“.{last.rpartition('.')[2]}”" if "." in last else "（无扩展名）"
        return f"不支持的文件类型{shown_suffix}，已跳过"
    return None


class _MemberError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _unpack(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, limits: Limits, budget: _Budget
) -> tuple[int, str]:
    """Write one member to ``target``, counting its real bytes against the limits."""
    size = 0
    hasher = Hasher()
    try:
        with zf.open(info) as src, target.open("xb") as out:
            while chunk := src.read(_CHUNK):
                size += len(chunk)
                if size > limits.max_file_bytes:
                    raise _MemberError(f"文件超过大小上限 {human_size(limits.max_file_bytes)}，未读取")
                if size > max(info.file_size, 0) + _CHUNK and size > info.file_size * 2:
                    raise ArchiveRefused(
                        f"压缩包内 {info.filename} 的实际大小与目录不符（疑似压缩炸弹），已拒绝"
                    )
                budget.spend(len(chunk))
                hasher.update(chunk)
                out.write(chunk)
    except (zipfile.BadZipFile, EOFError, zlib.error, NotImplementedError, RuntimeError, ValueError) as exc:
        raise _MemberError(f"压缩包内的文件已损坏，无法解压（{exc}）") from None
    return size, hasher.hexdigest()

"""Attacks through an uploaded .zip (web batch uploads): bombs by count, size and ratio, nesting,
path traversal, symlinks, encryption, corrupt and foreign archives. Each is refused with a
Chinese reason and leaves nothing behind; the good members of an archive still come through."""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

import pytest

from jixiao.limits import MB
from jixiao.limits import Limits
from jixiao.web.archives import ArchiveRefused
from jixiao.web.archives import Member
from jixiao.web.archives import open_archive
from jixiao.web.archives import unsupported_archive
from jixiao.web.uploads import suffix_of

REPORT = (Path(__file__).resolve().parents[1] / "data/seeds/002_d2da961157e41a94.txt").read_bytes()


def _zip(path: Path, members: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def _open(path: Path, out: Path, limits: Limits | None = None) -> list[Member]:
    out.mkdir(exist_ok=True)
    return open_archive(path, path.name, out, limits or Limits(), suffix_of)


def _refused(path: Path, out: Path, limits: Limits | None = None) -> str:
    with pytest.raises(ArchiveRefused) as caught:
        _open(path, out, limits)
    assert list(out.iterdir()) == []  # nothing left behind
    return caught.value.reason


def test_good_members_come_through_with_their_names(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "材料.zip", {"a/报告.txt": REPORT, "b.txt": REPORT + b"\n"})
    members = _open(archive, tmp_path / "out")
    assert [m.name for m in members] == ["材料.zip/a/报告.txt", "材料.zip/b.txt"]
    assert all(m.path is not None and m.path.read_bytes().startswith(REPORT) for m in members)
    assert all(m.path is not None and "报告" not in m.path.name for m in members)  # never its own name


def test_too_many_members(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "many.zip", {f"{i}.txt": b"x" for i in range(30)})
    reason = _refused(archive, tmp_path / "out", Limits(max_archive_members=20))
    assert "30 个成员" in reason and "20" in reason


def test_total_size_bomb(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "big.zip", {f"{i}.txt": b"0" * (3 * MB) for i in range(4)})
    reason = _refused(archive, tmp_path / "out", Limits(max_unpacked_bytes=10 * MB, max_ratio=10_000))
    assert "压缩炸弹" in reason


def test_ratio_bomb(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "bomb.zip", {"bomb.txt": b"\0" * (50 * MB)})
    reason = _refused(archive, tmp_path / "out")
    assert "压缩比" in reason and "压缩炸弹" in reason


def test_a_member_over_the_file_limit_is_refused_alone(tmp_path: Path) -> None:
    archive = _zip(
        tmp_path / "mixed.zip",
        {"big.txt": bytes(range(256)) * 8192, "ok.txt": REPORT},
        compression=zipfile.ZIP_STORED,
    )
    members = {m.name: m for m in _open(archive, tmp_path / "out", Limits(max_file_bytes=1 * MB))}
    assert members["mixed.zip/big.txt"].path is None and "大小上限" in (
        members["mixed.zip/big.txt"].reason or ""
    )
    assert members["mixed.zip/ok.txt"].path is not None


def test_nesting_beyond_the_depth_is_not_opened(tmp_path: Path) -> None:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr("深层.txt", REPORT)
    middle = io.BytesIO()
    with zipfile.ZipFile(middle, "w") as zf:
        zf.writestr("inner.zip", inner.getvalue())
        zf.writestr("中层.txt", REPORT + b" ")
    archive = _zip(tmp_path / "outer.zip", {"middle.zip": middle.getvalue()})
    members = {m.name: m for m in _open(archive, tmp_path / "out", Limits(max_archive_depth=2))}
    assert members["outer.zip/middle.zip/中层.txt"].path is not None  # depth 2: opened
    deep = members["outer.zip/middle.zip/inner.zip"]
    assert deep.path is None and "嵌套" in (deep.reason or "")  # depth 3: not
    assert sorted(p.suffix for p in (tmp_path / "out").iterdir()) == [".txt"]  # the inner zips are gone


def test_path_traversal_names_are_refused(tmp_path: Path) -> None:
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("../../etc/cron.d/x.txt", REPORT)
        zf.writestr("/abs/y.txt", REPORT)
        zf.writestr("ok.txt", REPORT)
    members = _open(archive, tmp_path / "out")
    refused = [m for m in members if m.path is None]
    assert len(refused) == 2 and all("压缩包之外" in (m.reason or "") for m in refused)
    assert not (tmp_path / "etc").exists() and not Path("/abs/y.txt").exists()
    assert [m.name for m in members if m.path is not None] == ["evil.zip/ok.txt"]


def test_symlinks_are_not_followed(tmp_path: Path) -> None:
    archive = tmp_path / "link.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        info = zipfile.ZipInfo("passwd.txt")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, "/etc/passwd")
    [member] = _open(archive, tmp_path / "out")
    assert member.path is None and "符号链接" in (member.reason or "")


def test_encrypted_members_are_refused(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "secret.zip", {"a.txt": REPORT})
    raw = bytearray(archive.read_bytes())
    # Set the "encrypted" flag bit in the local header and the central directory entry.
    raw[6] |= 0x1
    central = raw.rfind(b"PK\x01\x02")
    raw[central + 8] |= 0x1
    archive.write_bytes(bytes(raw))
    [member] = _open(archive, tmp_path / "out")
    assert member.path is None and "加密" in (member.reason or "")


def test_corrupt_and_foreign_archives(tmp_path: Path) -> None:
    corrupt = tmp_path / "bad.zip"
    corrupt.write_bytes(b"PK\x03\x04 not really")
    assert "不是有效的 zip" in _refused(corrupt, tmp_path / "out")
    assert "请改用 .zip" in (unsupported_archive("材料.RAR") or "")
    assert "请改用 .zip" in (unsupported_archive("材料.7z") or "")
    assert unsupported_archive("报告.docx") is None


def test_a_member_whose_size_lies_is_stopped(tmp_path: Path) -> None:
    """The directory says 10 bytes; the stream holds 2 MB: unpacking stops at the declared size
    (zipfile checks the CRC and length) and nothing is kept."""
    archive = _zip(tmp_path / "liar.zip", {"a.txt": b"A" * (2 * MB)})
    raw = bytearray(archive.read_bytes())
    central = raw.rfind(b"PK\x01\x02")
    raw[central + 24 : central + 28] = (10).to_bytes(4, "little")  # uncompressed size
    raw[22:26] = (10).to_bytes(4, "little")
    archive.write_bytes(bytes(raw))
    [member] = _open(archive, tmp_path / "out")
    assert member.path is None and "已损坏" in (member.reason or "")
    assert list((tmp_path / "out").iterdir()) == []

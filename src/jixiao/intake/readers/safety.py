"""Checks that run before a parser touches a file: zip bombs, XML entity bombs, encryption.

Office Open XML files (docx/xlsx) are zip archives of XML. A hostile one can unpack to gigabytes
(a zip bomb) or define nested XML entities that expand exponentially (“billion laughs”). Both are
refused here from the archive's directory and the parts' first bytes, before anything is
decompressed in full. A password-protected Office file is not a zip at all but an OLE compound
file holding an ``EncryptedPackage`` stream; :func:`encrypted_ole` recognises it.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path

from jixiao.intake.document import UnreadableDocument
from jixiao.intake.limits import Limits
from jixiao.intake.limits import human_size
from jixiao.limits import unpack_refusal

# OOXML never needs a DTD; any DOCTYPE or ENTITY declaration in a part is refused outright.
_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
_CHUNK = 1 << 20


def open_ooxml(path: Path, limits: Limits, kind: str) -> zipfile.ZipFile:
    """Open a docx/xlsx archive after checking it is safe to parse; the caller closes it.

    ``kind`` names the document type in messages (``"Word 文档"``, ``"Excel 工作簿"``).
    """
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, UnicodeDecodeError, ValueError, EOFError, NotImplementedError):
        raise UnreadableDocument(f"文件已损坏或不是有效的{kind}（无法作为压缩包打开）") from None
    except OSError as exc:
        raise UnreadableDocument(f"无法读取文件（{exc.strerror or exc}）") from None
    try:
        check_archive(zf, limits)
    except BaseException:
        zf.close()
        raise
    return zf


def check_archive(zf: zipfile.ZipFile, limits: Limits) -> None:
    """Refuse an archive that unpacks too big, compresses implausibly well, or declares a DTD."""
    infos = zf.infolist()
    refusal = unpack_refusal(infos, limits)
    if refusal:
        raise UnreadableDocument(refusal)
    for info in infos:
        if info.file_size > limits.max_part_bytes:
            raise UnreadableDocument(
                f"压缩包内 {info.filename} 展开后为 {human_size(info.file_size)}，超过单个部件上限 "
                f"{human_size(limits.max_part_bytes)}，已拒绝"
            )
        if info.filename.lower().endswith((".xml", ".rels")) and _declares_dtd(zf, info):
            raise UnreadableDocument(f"压缩包内 {info.filename} 含 DTD/实体定义（疑似 XML 实体炸弹），已拒绝")


def _declares_dtd(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Whether a part declares a DTD anywhere (streamed in chunks, with an overlap so a
    declaration split between chunks is still seen)."""
    tail = b""
    try:
        with zf.open(info) as fh:
            while chunk := fh.read(_CHUNK):
                if _DTD.search(tail + chunk):
                    return True
                tail = chunk[-16:]
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError, zlib.error) as exc:
        raise UnreadableDocument(f"文件已损坏（压缩包内 {info.filename} 无法解压：{exc}）") from None
    return False


def encrypted_ole(path: Path) -> bool:
    """Whether an OLE compound file is an encrypted Office document (or a Word/Excel file with a
    password to open)."""
    import olefile

    try:
        if not olefile.isOleFile(str(path)):
            return False
        with olefile.OleFileIO(str(path)) as ole:
            if ole.exists("EncryptionInfo") or ole.exists("EncryptedPackage"):
                return True
            if ole.exists("WordDocument"):
                with ole.openstream("WordDocument") as fh:
                    fib = fh.read(12)
                # FIB base: bit 8 of the flags word at offset 0x0A is fEncrypted.
                return len(fib) >= 12 and bool(int.from_bytes(fib[10:12], "little") & 0x0100)
    except (OSError, ValueError, IndexError):
        return False
    return False

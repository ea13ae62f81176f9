"""Building the workbooks the spreadsheet reader tests need.

openpyxl writes .xlsx but never computes formulas, and nothing in Python writes an encrypted .xls,
so two helpers edit files at the byte level: :func:`set_cached_value` stores a formula's result
the way Excel does, and :func:`encrypt_xls` applies the RC4 encryption Excel 97–2003 uses for a
workbook with a password to open. The encryption is checked against msoffcrypto-tool's decryption
in the tests, so the fixture is a real encrypted workbook, not just a marker.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import struct
import zipfile
from pathlib import Path

import olefile

# BIFF8 record types ([MS-XLS] 2.3).
BOF = 0x0809
FILEPASS = 0x002F
WRITEACCESS = 0x005C
BOUNDSHEET = 0x0085
# Records Excel never encrypts ([MS-XLS] 2.2.10): BOF, FilePass, UsrExcl, FileLock,
# InterfaceHdr, RRDInfo, RRDHead.
_PLAIN_RECORDS = {BOF, FILEPASS, 0x0194, 0x0195, 0x00E1, 0x0196, 0x0138}
_BLOCK = 1024


def rewrite_member(
    src: Path, dst: Path, name: str, data: bytes, *, compress: int = zipfile.ZIP_DEFLATED
) -> None:
    """Copy a zip archive, replacing (or adding) one member."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename != name:
                zout.writestr(info, zin.read(info))
        zout.writestr(zipfile.ZipInfo(name), data, compress_type=compress)


def set_cached_value(path: Path, part: str, coordinate: str, value: str) -> None:
    """Store ``value`` as the computed result of the formula in ``coordinate`` (in place)."""
    with zipfile.ZipFile(path) as zf:
        xml = zf.read(part).decode("utf-8")
    cell = re.compile(rf'(<c r="{coordinate}"[^>]*>)(<f>[^<]*</f>)(?:<v\s*/>|<v>[^<]*</v>)?(</c>)')
    new, count = cell.subn(lambda m: f"{m.group(1)}{m.group(2)}<v>{value}</v>{m.group(3)}", xml)
    assert count == 1, f"formula cell {coordinate} not found in {part}"
    tmp = path.with_suffix(".tmp")
    rewrite_member(path, tmp, part, new.encode("utf-8"))
    tmp.replace(path)


def _rc4(key: bytes, data: bytes) -> bytes:
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(byte ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


def _block_key(password: str, salt: bytes, block: int) -> bytes:
    """[MS-OFFCRYPTO] 2.3.6.2: the RC4 key for one 1024-byte block of the stream."""
    h0 = hashlib.md5(password.encode("utf-16-le")).digest()
    h1 = hashlib.md5((h0[:5] + salt) * 16).digest()
    return hashlib.md5(h1[:5] + struct.pack("<I", block)).digest()


def _records(data: bytes) -> list[tuple[int, bytes]]:
    records = []
    pos = 0
    while pos + 4 <= len(data):
        kind, size = struct.unpack_from("<HH", data, pos)
        records.append((kind, data[pos + 4 : pos + 4 + size]))
        pos += 4 + size
    assert pos == len(data), "Workbook stream does not end on a record boundary"
    return records


def encrypt_xls(src: Path, dst: Path, password: str) -> None:
    """Encrypt an Excel 97–2003 workbook with RC4 (what Excel does for a password to open).

    A FilePass record goes right after the first BOF; the WriteAccess record (112 bytes of
    padded user name in files Excel and LibreOffice write) is shortened by as much, so no stream
    offset (BoundSheet positions, the SST index) moves and the compound file keeps its layout.
    """
    shutil.copyfile(src, dst)
    with olefile.OleFileIO(str(dst), write_mode=True) as ole:
        data = ole.openstream("Workbook").read()
        records = _records(data)
        assert records[0][0] == BOF
        access = next(i for i, (kind, _) in enumerate(records) if kind == WRITEACCESS)

        salt = bytes(range(16))
        verifier = bytes(range(100, 116))
        sealed = _rc4(_block_key(password, salt, 0), verifier + hashlib.md5(verifier).digest())
        filepass = struct.pack("<HHH", 1, 1, 1) + salt + sealed
        assert len(filepass) == 54
        name = b"jixiao"
        short = struct.pack("<HB", len(name), 0) + name
        short += b" " * (len(records[access][1]) - 4 - len(filepass) - len(short))
        assert len(short) > 0
        plain = [
            records[0],
            (FILEPASS, filepass),
            *records[1:access],
            (WRITEACCESS, short),
            *records[access + 1 :],
        ]

        stream = bytearray()
        secret: list[tuple[int, int]] = []  # (start, end) of the bytes to encrypt
        for kind, payload in plain:
            start = len(stream) + 4
            stream += struct.pack("<HH", kind, len(payload)) + payload
            if kind in _PLAIN_RECORDS:
                continue
            if kind == BOUNDSHEET:  # the sheet's stream position stays readable
                start += 4
            secret.append((start, len(stream)))
        assert len(stream) == len(data)

        keystream = b"".join(
            _rc4(_block_key(password, salt, block), bytes(_BLOCK))
            for block in range(len(stream) // _BLOCK + 1)
        )
        for start, end in secret:
            for pos in range(start, end):
                stream[pos] ^= keystream[pos]
        ole.write_stream("Workbook", bytes(stream))


_STRICT = [
    (
        b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
        b"http://purl.oclc.org/ooxml/spreadsheetml/main",
    ),
    (
        b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
        b"http://purl.oclc.org/ooxml/officeDocument/relationships",
    ),
    (b"http://schemas.openxmlformats.org/drawingml/2006/main", b"http://purl.oclc.org/ooxml/drawingml/main"),
]


def to_strict(src: Path, dst: Path) -> None:
    """The workbook in the ISO “Strict Open XML” namespaces (Excel's “Strict Open XML 电子表格”)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            for transitional, strict in _STRICT:
                data = data.replace(transitional, strict)
            zout.writestr(info, data)

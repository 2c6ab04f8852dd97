"""The AES ZIP writer: stock pyzipper reads it, every member has its own salt, and a wrong
passphrase opens nothing."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
import pyzipper

from tipline.dispatch.aeszip import AesZipWriter


def test_members_read_back_with_stock_pyzipper_and_own_salts(tmp_path: Path) -> None:
    path = tmp_path / "x.zip"
    members = {f"m{i}.txt": (f"member {i} " * (i + 1)).encode() for i in range(150)}
    with AesZipWriter(path, passphrase="correct horse battery") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    raw = path.read_bytes()
    with pyzipper.AESZipFile(path) as zf:
        salts = set()
        for info in zf.infolist():
            assert info.flag_bits & 0x1  # encrypted
            offset = info.header_offset
            name_len, extra_len = struct.unpack("<HH", raw[offset + 26:offset + 30])
            salts.add(raw[offset + 30 + name_len + extra_len:][:16])
        assert len(salts) == len(members)
        with pytest.raises(RuntimeError):
            zf.read("m0.txt")
        zf.setpassword(b"wrong horse")
        with pytest.raises(RuntimeError):
            zf.read("m0.txt")
        zf.setpassword(b"correct horse battery")
        assert {n: zf.read(n) for n in zf.namelist()} == members

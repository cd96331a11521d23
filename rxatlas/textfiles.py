"""Text files users bring (supplier lists, portfolios): which encoding they are in, or a clear error."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from rxatlas.errors import InputError

SAMPLE_BYTES = 1 << 20
# Legacy encodings and the characters a right guess produces; a wrong guess gives mojibake of other scripts.
SCRIPTS = {
    "cp949": re.compile(r"[\uac00-\ud7a3]"),
    "gb18030": re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]"),
    "cp1252": re.compile(r"[A-Za-z\u00c0-\u00ff]"),
}
_NAMES = {"cp949": "CP949/EUC-KR", "gb18030": "GB18030", "cp1252": "Windows-1252"}
_HAN_IN_LATIN = re.compile(r"[A-Za-z][\u3400-\u4dbf\u4e00-\u9fff][A-Za-z]")


def _first_bad_line(path: Path, encoding: str) -> int | None:
    decoder = codecs.getincrementaldecoder(encoding)()
    line = 1
    try:
        with open(path, "rb") as fh:
            while block := fh.read(SAMPLE_BYTES):
                try:
                    decoder.decode(block)
                except UnicodeDecodeError as exc:
                    return line + block[:exc.start].count(b"\n")
                line += block.count(b"\n")
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return line
    return None


def detect_encoding(path: Path, legacy: tuple[str, ...] = ("cp949", "gb18030")) -> str:
    """UTF-8 (with or without BOM), else the first legacy encoding that reads the file as its own script."""
    bad_line = _first_bad_line(path, "utf-8-sig")
    if bad_line is None:
        return "utf-8-sig"
    with open(path, "rb") as fh:
        head = fh.read(SAMPLE_BYTES)
    for encoding in legacy:
        if _first_bad_line(path, encoding) is not None:
            continue
        text = head.decode(encoding, errors="ignore")
        wide = [c for c in text if ord(c) > 127]
        if (
            wide
            and sum(bool(SCRIPTS[encoding].match(c)) for c in wide) >= 0.8 * len(wide)
            and len(_HAN_IN_LATIN.findall(text)) <= 0.05 * len(wide)
        ):
            return encoding
    tried = ", ".join(["UTF-8", *(_NAMES[e] for e in legacy)])
    raise InputError(
        f"{path} line {bad_line}: the file is not UTF-8 and cannot tell the text encoding (tried {tried}); "
        "save the file as UTF-8 (CSV UTF-8 in Excel) or Excel, or give --encoding"
    )

"""Text files users bring (supplier lists, portfolios): their encoding when it is certain, else a clear error.

Certain means a byte order mark (UTF-8, UTF-16, UTF-32) or text that decodes as strict UTF-8 without NUL
characters. Anything else (CP949, GB18030, Shift-JIS, Windows-1252, UTF-16 without a mark) decodes without error
in several encodings into different text, so rxatlas does not guess: the user names the encoding.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from rxatlas.errors import InputError

BLOCK = 1 << 20
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
ASK = ("give --encoding (e.g. cp949 or euc-kr for Korean, gb18030 for Chinese, shift_jis for Japanese, cp1252 for "
       "Western European, utf-16-le) or save the file as UTF-8 (CSV UTF-8 in Excel) or as Excel")


def checked_encoding(name: str) -> str:
    """A text encoding the user named, or a clear error when Python does not know it."""
    try:
        return codecs.lookup(name).name
    except (LookupError, ValueError) as exc:
        raise InputError(f"unknown encoding {name!r}; use a name such as utf-8, cp949, euc-kr, gb18030, "
                         "shift_jis, cp1252 or utf-16") from exc


def first_bad_line(path: Path, encoding: str) -> int | None:
    """The first line of a file that does not decode in an encoding (or holds a NUL character), else None."""
    decoder = codecs.getincrementaldecoder(encoding)()
    line = 1
    with open(path, "rb") as fh:
        while block := fh.read(BLOCK):
            try:
                text = decoder.decode(block)
            except UnicodeDecodeError as exc:
                return line + block[:exc.start].count(b"\n")
            if "\x00" in text:
                return line + text[:text.index("\x00")].count("\n")
            line += text.count("\n")
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return line
    return None


def detect_encoding(path: Path, encoding: str | None = None, ask: str = ASK) -> str:
    """The file's encoding: the one given (checked to decode), a byte order mark's, or strict UTF-8; else an error.

    `ask` says what the user can do when the encoding is not certain.
    """
    if encoding is not None:
        used = checked_encoding(encoding)
        bad = first_bad_line(path, used)
        if bad is not None:
            raise InputError(f"{path} line {bad}: the text is not valid {encoding} (or holds NUL characters); "
                             f"check the encoding: {ask}")
        return used
    with open(path, "rb") as fh:
        head = fh.read(4)
    used = next((name for bom, name in BOMS if head.startswith(bom)), "utf-8-sig")
    bad = first_bad_line(path, used)
    if bad is None:
        return used
    if used != "utf-8-sig":
        raise InputError(f"{path} line {bad}: the file starts with a {used.upper()} byte order mark but does not "
                         f"decode as {used.upper()}; save it again, or {ask}")
    raise InputError(f"{path} line {bad}: the file is not UTF-8 and rxatlas does not guess text encodings; {ask}")

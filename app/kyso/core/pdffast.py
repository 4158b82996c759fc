"""A faster reader for PDF hex strings, put in place of pyHanko's.

pyHanko reads ``<...>`` one byte at a time through a generator; a signature's
``/Contents`` is a hex string of 16 to 64 KB, so reading the signatures of a
three-signature document spent ~45 ms there (a fifth of a verification). This
reads the string in chunks and decodes it at once, with the same result and
the same error for a character that is not a hex digit or white space.

Also: pyHanko finds a signature's certificate by comparing every certificate's
issuer name with asn1crypto's directory-name matching (string preparation for
each attribute) *before* the serial number; comparing the serial first gives
the same answer and skips that work for every certificate that is not the
signer's (about 20 ms a two-signature document).

And: asn1crypto compares two directory names by string-preparing every
attribute of both (RFC 5280's rules, ~150 µs a name), again at each
comparison; pyHanko and its path builder compare the same few names dozens of
times a signature. The prepared form depends only on the attribute's encoding,
so it is remembered by that encoding (a bounded table).

And: pyHanko reads an array one element at a time, and a number by reading
16 bytes, searching them, and seeking back (~25 µs a number). A font's
widths, a page's boxes and the ``/W`` arrays of a Word document's fonts are
hundreds of numbers; the change analysis reads them in every revision. Here
a run of numbers in an array is read from one chunk with one regular
expression; each number is made by pyHanko's own constructors, and anything
else (a reference, a name, a number at the chunk's end, a comment) is left to
pyHanko's reader, so the objects are the same (``tests/test_pdffast.py``
compares both readers on every PDF in the tests' fixtures).

And: a name (``/Font``) is read up to its delimiter with one search instead
of byte by byte; a plain one (printable ASCII, no ``#`` escape) is made at
once, any other goes through pyHanko's own decoding and its errors. A literal
string (``(...)``: the document information's Vietnamese title and author,
in UTF-16) is read the same way: the runs between parentheses and
backslashes at once, each escape as pyHanko reads it, quirks included.

Installed by :mod:`kyso.core.verify` (idempotent).
"""

from __future__ import annotations

import binascii
import os
import re

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.misc import read_non_whitespace

_WHITE = b" \t\r\n\x0c\x00"
#: one number of an array and what must follow it (white space or a delimiter);
#: the number's characters are pyHanko's (its class "+-." is the range + , - .)
_NUMBER = re.compile(rb"[ \n\r\t\f\x00]*([+-.0-9]+)(?=[ \n\r\t\f\x00()<>\[\]{}/%])")
_NUMBER_START = frozenset(b"+-.0123456789")
_CHUNK = 2048
_DELIMITER = re.compile(rb"[ \n\r\t\f\x00()<>\[\]{}/%]")
_PLAIN_NAME = re.compile(rb"[\x21-\x22\x24-\x7e]*")    # printable ASCII but "#"
_STRING_SPECIAL = re.compile(rb"[()\\]")
_ESCAPED_AS_IS = b"() /%<>[]#_&$\\"
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def install() -> None:
    if getattr(generic.read_hex_string_from_stream, "_kyso", False):
        return
    digits = generic.HEX_DIGITS

    def read_hex_string_from_stream(stream):
        stream.read(1)                       # the "<"
        parts = []
        while True:
            chunk = stream.read(1 << 16)
            if not chunk:
                raise generic.PdfStreamError("Stream has ended unexpectedly")
            end = chunk.find(b">")
            if end >= 0:
                parts.append(chunk[:end])
                stream.seek(end + 1 - len(chunk), 1)
                break
            parts.append(chunk)
        body = b"".join(parts).translate(None, _WHITE)
        bad = body.translate(None, digits)
        if bad:
            raise generic.PdfStreamError("Unexpected token in hex string: " + repr(bad[:1]))
        if len(body) % 2:
            body += b"0"
        return generic.pdf_string(binascii.unhexlify(body))

    read_hex_string_from_stream._kyso = True
    generic.read_hex_string_from_stream = read_hex_string_from_stream
    generic.ArrayObject._kyso_original_read = generic.ArrayObject.read_from_stream
    generic.ArrayObject.read_from_stream = staticmethod(read_array)
    generic.NameObject._kyso_original_read = generic.NameObject.read_from_stream
    generic.NameObject.read_from_stream = staticmethod(read_name)
    generic._kyso_original_string_literal = generic._read_string_literal_bytes
    generic._read_string_literal_bytes = read_string_literal_bytes

    from pyhanko.sign import general

    original = general.match_issuer_serial

    def match_issuer_serial(expected_issuer_serial, cert) -> bool:
        if expected_issuer_serial["serial_number"] != cert["tbs_certificate"]["serial_number"]:
            return False
        return original(expected_issuer_serial, cert)

    general.match_issuer_serial = match_issuer_serial

    from asn1crypto import x509

    prepare = x509.RelativeDistinguishedName.hashable.fget
    prepared: dict[bytes, str] = {}

    def hashable(rdn) -> str:
        key = rdn.dump()
        try:
            return prepared[key]
        except KeyError:
            if len(prepared) >= 4096:
                prepared.clear()
            value = prepared[key] = prepare(rdn)
            return value

    def equal(rdn, other) -> bool:        # the same test as asn1crypto's, on the remembered form
        if not isinstance(other, x509.RelativeDistinguishedName) or len(rdn) != len(other):
            return False
        return hashable(rdn) == hashable(other)

    x509.RelativeDistinguishedName.hashable = property(hashable)
    x509.RelativeDistinguishedName.__eq__ = equal


def read_array(stream, container_ref, in_content_stream=None):
    """pyHanko's ``ArrayObject.read_from_stream``, with runs of numbers read at once."""
    if in_content_stream is None:
        in_content_stream = generic.ContentOpReading.NO
    arr = generic.ArrayObject()
    if stream.read(1) != b"[":
        raise generic.PdfReadError("Could not read array")
    number, real = generic.NumberObject, generic.FloatObject
    indirect = generic.INDIRECT_PATTERN
    while True:
        peek = read_non_whitespace(stream)
        if peek == b"]":
            return arr
        stream.seek(-1, os.SEEK_CUR)
        if peek[0] in _NUMBER_START:
            start = stream.tell()
            chunk = stream.read(_CHUNK)
            at_end = len(chunk) < _CHUNK
            pos = 0
            while True:
                m = _NUMBER.match(chunk, pos)
                if m is None:
                    break
                first, tok = m.start(1), m.group(1)
                if 48 <= tok[0] <= 57:
                    # pyHanko looks 20 bytes ahead of a number for "n g R": so does this
                    ahead = chunk[first:first + 20]
                    if (len(ahead) < 20 and not at_end) or indirect.match(ahead):
                        break
                text = tok.decode("ascii")
                value = real(text) if b"." in tok else number(text)
                value.container_ref = container_ref
                arr.append(value)
                pos = m.end()
            stream.seek(start + pos)
            if pos:
                continue
        arr.append(generic.read_object(stream, container_ref, in_content_stream=in_content_stream))


def read_until_delimiter(stream) -> bytes:
    """pyHanko's ``misc.read_until_delimiter``: the bytes up to the next white
    space or delimiter, the stream left on it (or at the end)."""
    parts = []
    while True:
        chunk = stream.read(64)
        if not chunk:
            return b"".join(parts)
        m = _DELIMITER.search(chunk)
        if m is not None:
            parts.append(chunk[:m.start()])
            stream.seek(m.start() - len(chunk), os.SEEK_CUR)
            return b"".join(parts)
        parts.append(chunk)


def read_name(stream):
    """pyHanko's ``NameObject.read_from_stream``."""
    if stream.read(1) != b"/":
        raise generic.PdfReadError("Name object should start with /")
    raw = read_until_delimiter(stream)
    if _PLAIN_NAME.fullmatch(raw):
        return generic.NameObject("/" + raw.decode("ascii"))
    return generic._decode_name(raw)


def read_string_literal_bytes(stream) -> bytes:
    """pyHanko's ``generic._read_string_literal_bytes``: the bytes of ``(...)``."""
    stream.read(1)
    start = stream.tell()
    buf = stream.read(4096)
    pos = 0
    parens = 1
    out: list[bytes] = []

    def more(need: int) -> bool:
        """At least ``need`` bytes after ``pos`` if the stream has them."""
        nonlocal buf
        while len(buf) < pos + need:
            chunk = stream.read(max(4096, len(buf)))
            if not chunk:
                return False
            buf += chunk
        return True

    while True:
        m = _STRING_SPECIAL.search(buf, pos)
        if m is None:
            out.append(buf[pos:])
            pos = len(buf)
            if not more(1):
                stream.seek(start + pos)
                raise generic.PdfStreamError("Stream has ended unexpectedly")
            continue
        i = m.start()
        out.append(buf[pos:i])
        c = buf[i:i + 1]
        pos = i + 1
        if c == b"(":
            parens += 1
            out.append(c)
        elif c == b")":
            parens -= 1
            if parens == 0:
                break
            out.append(c)
        else:                                   # a backslash
            more(1)
            tok = buf[pos:pos + 1]
            pos += len(tok)
            if tok in _ESCAPED_AS_IS:           # also b"" at the end, as pyHanko
                pass
            elif tok in _ESCAPES:
                tok = _ESCAPES[tok]
            elif tok.isdigit():
                more(2)
                for _ in range(2):
                    nxt = buf[pos:pos + 1]
                    if nxt.isdigit():
                        tok += nxt
                        pos += 1
                    else:
                        break
                tok = bytes((int(tok, base=8),))     # over 255 raises, as in pyHanko
            elif tok in b"\n\r":
                more(1)
                nxt = buf[pos:pos + 1]
                if nxt in b"\n\r":            # b"" too, as pyHanko
                    pos += len(nxt)
                tok = b""
            else:
                stream.seek(start + pos)
                raise generic.PdfReadError("Unexpected escaped string: " + repr(tok))
            out.append(tok)
    stream.seek(start + pos)
    return b"".join(out)

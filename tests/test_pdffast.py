"""The fast readers of ``kyso.core.pdffast`` read what pyHanko's own read.

Each case is parsed twice, by pyHanko's reader and by the installed one, and
the results (types, values, references) must be equal, or both must fail
with the same kind of error.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader

from kyso.core import pdffast

pdffast.install()
ORIGINAL = generic.ArrayObject._kyso_original_read
FAST = generic.ArrayObject.read_from_stream
ORIGINAL_NAME = generic.NameObject._kyso_original_read
FAST_NAME = generic.NameObject.read_from_stream
ORIGINAL_STRING = generic._kyso_original_string_literal
FAST_STRING = generic._read_string_literal_bytes


def shape(obj, depth=0):
    """A comparable picture of a parsed object (type, value, children)."""
    if depth > 40:
        return "…"
    if isinstance(obj, generic.IndirectObject):
        return ("R", obj.idnum, obj.generation)
    if isinstance(obj, generic.StreamObject):
        return ("S", shape(generic.DictionaryObject(obj), depth + 1), bytes(obj.encoded_data or b""))
    if isinstance(obj, generic.DictionaryObject):
        return ("D", tuple(sorted((str(k), shape(obj.raw_get(k), depth + 1)) for k in obj.keys())))
    if isinstance(obj, generic.ArrayObject):
        return ("A", tuple(shape(v, depth + 1) for v in list.__iter__(obj)))
    if isinstance(obj, generic.NullObject):
        return ("null",)
    return (type(obj).__name__, repr(obj), getattr(obj, "container_ref", None) is not None)


def use(fast: bool) -> None:
    generic.ArrayObject.read_from_stream = staticmethod(FAST if fast else ORIGINAL)
    generic.NameObject.read_from_stream = staticmethod(FAST_NAME if fast else ORIGINAL_NAME)
    generic._read_string_literal_bytes = FAST_STRING if fast else ORIGINAL_STRING


def read_with(fast: bool, data: bytes):
    use(fast)
    try:
        stream = io.BytesIO(data)
        obj = generic.read_object(stream, generic.Reference(1, 0, None))
        return ("ok", shape(obj), stream.tell())
    except Exception as exc:  # noqa: BLE001 - the kind of failure is what is compared
        return ("error", type(exc).__name__)
    finally:
        use(True)


CASES = [
    b"[1 2 3]",
    b"[ 1 0 R 2 0 R ]",
    b"[1 2 3 0 R 4]",
    b"[5 1 0 R]",
    b"[+1 -2 .5 -.25 3. 0.0]",
    b"[1,5 2]",
    b"[1-2]",
    b"[- 1]",
    b"[.]",
    b"[1%a comment\n2 3]",
    b"[12abc]",
    b"[1 2/Name 3(str)4<41>5[6 7]8<</A 9>>]",
    b"[1 0 obj]",
    b"[1\x000\x00R]",
    b"[1\t0\nR 2\r0\x0cR]",
    b"[1 0 Rx]",
    b"[1 2",
    b"[1 2 3",
    b"[" + b" ".join(b"%d" % i for i in range(3000)) + b"]",
    b"[" + b" " * 2030 + b"1 0 R 7]",
    b"[" + b"1 " * 1015 + b"12 0 R 7]",
    b"[" + b"1 " * 1016 + b"12 0 R 7]",
    b"[" + b"1.25 " * 1000 + b"]",
    b"<</W [1 [500 600] 3 5 700]/Widths[1 2 3]/Ref 3 0 R>>",
    b"/Name",
    b"/Name ",
    b"/Name/Other",
    b"/",
    b"/ ",
    b"/A#20B",
    b"/A#2",
    b"/A#zz",
    b"/A#",
    "/Tên".encode("utf-8"),
    b"/\xe9t\xe9 ",
    b"/A\x01B ",
    b"/A\x7fB ",
    b"/" + b"N" * 500 + b" ",
    b"<</Type/Page/Resources<</Font<</F1 2 0 R>>>>/Kids[3 0 R 4 0 R]>>",
    b"[/A/B /C#41 (x)/D]",
    b"(plain)",
    b"(a (nested (deep)) b)",
    b"(unbalanced ( paren)",
    b"(esc \\( \\) \\\\ \\/ \\% \\< \\> \\[ \\] \\# \\_ \\& \\$)",
    b"(\\n\\r\\t\\b\\f)",
    b"(\\101\\1012\\7\\07x\\0)",
    b"(\\777)",
    b"(\\8)",
    b"(\\18)",
    b"(\\q)",
    b"(line\\\ncont\\\r\nx\\\r\ry\\\n\nz)",
    b"(raw\r\nnew\rline)",
    b"(\xfe\xff\x1e\xe6\x00y)",
    b"(\xfe\xff\x00\\(\x00x)",
    b"(unterminated",
    b"(ends with backslash\\",
    b"(octal at end \\1",
    b"(eol at end \\\r",
    b"(" + b"x" * 5000 + b")",
    b"(" + b"x" * 4093 + b"\\101)",
    b"(" + b"x" * 4094 + b"\\101)",
    b"(" + b"x" * 4095 + b"\\\r\n)",
    b"(" + b"(" * 3000 + b")" * 3000 + b")",
    b"<</Title (T\\352n)/Author <FEFF0041>/Producer (a\\)b)>>",
]


@pytest.mark.parametrize("data", CASES, ids=range(len(CASES)))
def test_same_objects_as_pyhanko(data):
    assert read_with(True, data) == read_with(False, data)


def test_every_object_of_the_fixture_pdfs():
    """All objects of every PDF the tests ship, read both ways."""
    root = Path(__file__).parent / "fixtures"
    pdfs = sorted(root.rglob("*.pdf"))
    assert pdfs
    compared = 0
    for pdf in pdfs:
        data = pdf.read_bytes()
        pictures = []
        for fast in (False, True):
            use(fast)
            try:
                reader = PdfFileReader(io.BytesIO(data), strict=False)
                refs = set()
                for rev in range(reader.xrefs.total_revisions):
                    refs |= reader.xrefs.explicit_refs_in_revision(rev)
                out = {}
                for ref in sorted(refs, key=lambda r: (r.idnum, r.generation)):
                    try:
                        out[(ref.idnum, ref.generation)] = shape(reader.get_object(ref))
                    except Exception as exc:  # noqa: BLE001
                        out[(ref.idnum, ref.generation)] = ("error", type(exc).__name__)
                pictures.append(out)
            finally:
                use(True)
        assert pictures[0] == pictures[1], pdf.name
        compared += len(pictures[0])
    assert compared > 100

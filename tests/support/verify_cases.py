"""Signed PDFs of every kind a receiving clerk meets, made at test time.

Each builder writes one file from the test PKI (pyHanko's own signer, a PEM
key: no Kyso signing code), reportlab for the base pages, and pyHanko's
incremental writer for what happens after signing. Nothing random: the same
inputs give files with the same verdict on every run.

The kinds mirror third-party corpora (EU DSS test files, pyHanko's and
iText's, the PDF-insecurity research) by what they exercise, not by copying
them.
"""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.fields import MDPPerm

FONT_DIR = Path(__file__).resolve().parents[2] / "app" / "kyso" / "resources" / "fonts"


# -- base documents -----------------------------------------------------------------------


def _font():
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    try:
        pdfmetrics.getFont("Tinos")
    except KeyError:
        pdfmetrics.registerFont(TTFont("Tinos", str(FONT_DIR / "Tinos-Regular.ttf")))
    return "Tinos"


def base_pdf(dst: Path, form: str | None = None) -> Path:
    """One A4 page of Vietnamese text; ``form`` adds fields:

    - ``"period"``: a text field whose name has a period ("so.hieu"), blank area;
    - ``"choices"``: an unticked check box and a radio group with nothing chosen;
    - ``"overlay"``: a transparent text field lying over the signed amount line
      (the shadow "replace" set-up) and a blank one for the number (Kyso's own use).
    """
    from reportlab.lib.colors import transparent, white
    from reportlab.pdfgen import canvas

    font = _font()
    c = canvas.Canvas(str(dst), pagesize=(595.28, 841.89), invariant=1)
    c.setFont(font, 14)
    c.drawString(72, 780, "ỦY BAN NHÂN DÂN THÀNH PHỐ PHỦ LÝ")
    c.drawString(72, 740, "Số:            /UBND-VP")
    c.drawString(72, 700, "V/v cấp kinh phí sửa chữa trường học")
    c.drawString(72, 600, "Số tiền được duyệt: 10.000.000 đồng")
    c.drawString(72, 560, "Đơn vị nhận: Trường tiểu học Lam Hạ")
    form_ = c.acroForm
    if form == "period":
        form_.textfield(name="so.hieu", x=300, y=450, width=150, height=20, value="",
                        borderWidth=0, fillColor=white, textColor=None, fontName="Helvetica",
                        fontSize=11)
    elif form == "choices":
        form_.checkbox(name="dong_y", x=72, y=450, size=14, checked=False, buttonStyle="check")
        for i, v in enumerate(("a", "b")):
            form_.radio(name="muc", value=v, x=150 + 40 * i, y=450, size=14, selected=False,
                        buttonStyle="circle")
    elif form == "overlay":
        form_.textfield(name="so_tien", x=70, y=595, width=330, height=22, value="",
                        borderWidth=0, fillColor=transparent, borderColor=transparent,
                        fontName="Helvetica", fontSize=11)
        form_.textfield(name="so_van_ban", x=300, y=400, width=120, height=20, value="",
                        borderWidth=0, fillColor=transparent, borderColor=transparent,
                        fontName="Helvetica", fontSize=11)
    c.showPage()
    c.save()
    return dst


# -- signing ------------------------------------------------------------------------------


def signer_for(pki, who: str = "leader") -> signers.SimpleSigner:
    ident = pki.identities[who]
    return signers.SimpleSigner.load(str(ident.key_path), str(ident.cert_path),
                                     ca_chain_files=(str(pki.intermediate_cert_path),))


def sign(src: Path, dst: Path, signer, field: str, *, certify: bool = False,
         perm: MDPPerm | None = None, box=None, timestamper=None, embed_vc=None,
         lta: bool = False) -> Path:
    meta = signers.PdfSignatureMetadata(
        field_name=field, certify=certify, docmdp_permissions=perm or MDPPerm.FILL_FORMS,
        subfilter=fields.SigSeedSubFilter.PADES,
        embed_validation_info=embed_vc is not None, validation_context=embed_vc,
        use_pades_lta=lta)
    spec = fields.SigFieldSpec(field, box=box) if box else None
    with src.open("rb") as fh, dst.open("wb") as out:
        w = IncrementalPdfFileWriter(fh, strict=False)
        if w.prev.encrypted:
            w.encrypt("")          # an empty open password (permissions only)
        if spec is not None:
            fields.append_signature_field(w, spec)
        signers.PdfSigner(meta, signer, timestamper=timestamper).sign_pdf(w, output=out)
    return dst


@contextlib.contextmanager
def _update(src: Path, dst: Path):
    with src.open("rb") as fh:
        w = IncrementalPdfFileWriter(fh, strict=False)
        if w.prev.encrypted:
            w.encrypt("")          # an empty open password (permissions only)
        yield w
        with dst.open("wb") as out:
            w.write(out)


def _form_field(w, name: str):
    for ref in w.root["/AcroForm"]["/Fields"]:
        f = ref.get_object()
        if "/T" in f and str(f["/T"]) == name:
            return ref, f
    raise KeyError(name)


def _appearance(w, text: str, width: float, height: float, background: bool):
    font = w.add_object(generic.DictionaryObject({
        pdf_name("/Type"): pdf_name("/Font"), pdf_name("/Subtype"): pdf_name("/Type1"),
        pdf_name("/BaseFont"): pdf_name("/Helvetica")}))
    paint = f"1 1 1 rg 0 0 {width} {height} re f " if background else ""
    return w.add_object(generic.StreamObject({
        pdf_name("/Type"): pdf_name("/XObject"), pdf_name("/Subtype"): pdf_name("/Form"),
        pdf_name("/BBox"): generic.ArrayObject([generic.FloatObject(v) for v in (0, 0, width, height)]),
        pdf_name("/Resources"): generic.DictionaryObject({pdf_name("/Font"): generic.DictionaryObject(
            {pdf_name("/F1"): font})}),
    }, stream_data=f"{paint}BT 0 g /F1 12 Tf 2 6 Td ({text}) Tj ET".encode()))


def fill_text(src: Path, dst: Path, name: str, text: str, background: bool = False) -> Path:
    """Set a text field's value with an appearance showing it (what a viewer's "fill" does)."""
    with _update(src, dst) as w:
        ref, f = _form_field(w, name)
        r = [float(v) for v in f["/Rect"]]
        f[pdf_name("/V")] = generic.TextStringObject(text)
        f[pdf_name("/AP")] = generic.DictionaryObject({pdf_name("/N"): _appearance(
            w, text, r[2] - r[0], r[3] - r[1], background)})
        w.update_container(f)
    return dst


def tick_choices(src: Path, dst: Path) -> Path:
    """Tick the check box and choose the radio button "b"."""
    with _update(src, dst) as w:
        _, box = _form_field(w, "dong_y")
        on = [k for k in box["/AP"]["/N"].keys() if k != "/Off"][0]
        box[pdf_name("/V")] = pdf_name(on)
        box[pdf_name("/AS")] = pdf_name(on)
        w.update_container(box)
        _, group = _form_field(w, "muc")
        for kid in group["/Kids"]:
            k = kid.get_object()
            states = [s for s in k["/AP"]["/N"].keys() if s != "/Off"]
            if states == ["/b"]:
                k[pdf_name("/AS")] = pdf_name("/b")
                w.update_container(k)
        group[pdf_name("/V")] = pdf_name("/b")
        w.update_container(group)
    return dst


def add_note(src: Path, dst: Path, rect=(450, 780, 470, 800)) -> Path:
    """A sticky note (/Text annotation) in the top right margin."""
    with _update(src, dst) as w:
        page_ref, _ = w.prev.find_page_for_modification(0)
        annot = w.add_object(generic.DictionaryObject({
            pdf_name("/Type"): pdf_name("/Annot"), pdf_name("/Subtype"): pdf_name("/Text"),
            pdf_name("/Rect"): generic.ArrayObject([generic.FloatObject(v) for v in rect]),
            pdf_name("/Contents"): generic.TextStringObject("Đã xem"), pdf_name("/P"): page_ref,
            pdf_name("/F"): generic.NumberObject(4)}))
        w.register_annotation(page_ref, annot)
    return dst


def encrypt_empty(src: Path, dst: Path) -> Path:
    """Encrypted with AES and an empty open password (permissions only), as
    many offices' tools save."""
    import pikepdf

    with pikepdf.open(src) as pdf:
        pdf.save(dst, encryption=pikepdf.Encryption(user="", owner="chu", R=4, aes=True))
    return dst


def crop_by_page_tree(src: Path, dst: Path) -> Path:
    """The page put under a new inner page tree node carrying a /CropBox that
    hides all but its bottom left corner: the page's own dictionary changes only
    in /Parent, the root's only in /Kids. (A /Rotate there would change nothing:
    the test pages carry their own.)"""
    with _update(src, dst) as w:
        pages_ref = w.root.raw_get("/Pages")
        pages = pages_ref.get_object()
        kids = generic.ArrayObject(pages["/Kids"])
        node = w.add_object(generic.DictionaryObject({
            pdf_name("/Type"): pdf_name("/Pages"), pdf_name("/Kids"): kids,
            pdf_name("/Count"): pages["/Count"], pdf_name("/Parent"): pages_ref,
            pdf_name("/CropBox"): generic.ArrayObject([generic.NumberObject(v) for v in (0, 0, 200, 200)])}))
        for kid in kids:
            page = kid.get_object()
            page[pdf_name("/Parent")] = node
            w.update_container(page)
        pages[pdf_name("/Kids")] = generic.ArrayObject([node])
        w.update_container(pages)
    return dst


def move_field(src: Path, dst: Path, name: str, dy: float) -> Path:
    """Move a field's widget ``dy`` points up (its appearance goes with it)."""
    with _update(src, dst) as w:
        _, f = _form_field(w, name)
        r = [float(v) for v in f["/Rect"]]
        f[pdf_name("/Rect")] = generic.ArrayObject(
            [generic.FloatObject(v) for v in (r[0], r[1] + dy, r[2], r[3] + dy)])
        w.update_container(f)
    return dst


def structure_and_resources(src: Path, dst: Path) -> Path:
    """A structure tree and /MarkInfo added, an unused font added to the page's
    resources: objects change, the page looks the same."""
    with _update(src, dst) as w:
        root = w.root
        root[pdf_name("/StructTreeRoot")] = w.add_object(generic.DictionaryObject({
            pdf_name("/Type"): pdf_name("/StructTreeRoot"), pdf_name("/K"): generic.ArrayObject()}))
        root[pdf_name("/MarkInfo")] = generic.DictionaryObject({pdf_name("/Marked"): generic.BooleanObject(True)})
        w.update_root()
        page_ref, _ = w.prev.find_page_for_modification(0)
        page = page_ref.get_object()
        res = generic.DictionaryObject(page["/Resources"])   # a copy, direct in the page
        old_fonts = res.get("/Font")
        old_fonts = old_fonts.get_object() if old_fonts is not None else generic.DictionaryObject()
        fonts = generic.DictionaryObject(old_fonts)
        fonts[pdf_name("/FKysoUnused")] = w.add_object(generic.DictionaryObject({
            pdf_name("/Type"): pdf_name("/Font"), pdf_name("/Subtype"): pdf_name("/Type1"),
            pdf_name("/BaseFont"): pdf_name("/Courier")}))
        res[pdf_name("/Font")] = fonts
        page[pdf_name("/Resources")] = res
        w.update_container(page)
    return dst


def add_validation_data(src: Path, dst: Path, vc, field: str, vri: bool = True) -> Path:
    """DSS (certificates, OCSP, CRLs), with a /VRI entry, in an update after signing."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import add_validation_info

    with src.open("rb") as fh:
        r = PdfFileReader(fh)
        emb = [e for e in r.embedded_signatures if e.field_name == field][0]
        out = add_validation_info(emb, vc, add_vri_entry=vri)
        dst.write_bytes(out.getvalue())
    return dst


def doc_timestamp(src: Path, dst: Path, tsa_url: str, without_type: bool = False) -> Path:
    """A document timestamp (ETSI.RFC3161); ``without_type`` leaves out the
    optional-in-practice /Type /DocTimeStamp, as some writers do."""
    from pyhanko.sign.signers import pdf_byterange
    from pyhanko.sign.timestamps import HTTPTimeStamper

    original = pdf_byterange.DocumentTimestamp.__init__

    def no_type(self, *a, **kw):
        original(self, *a, **kw)
        self.pop("/Type", None)

    with src.open("rb") as fh, dst.open("wb") as out:
        w = IncrementalPdfFileWriter(fh, strict=False)
        ts = signers.PdfTimeStamper(HTTPTimeStamper(tsa_url))
        if without_type:
            pdf_byterange.DocumentTimestamp.__init__ = no_type
        try:
            ts.timestamp_pdf(w, "sha256", output=out)
        finally:
            pdf_byterange.DocumentTimestamp.__init__ = original
    return dst


def unsorted_signed_attrs(src: Path, dst: Path, key_path: Path) -> Path:
    """The last signature's signed attributes re-written in reverse order (a SET
    OF not in DER order) and signed again over exactly those bytes with the same
    key; the document bytes are untouched (/Contents is outside the byte range).
    A validator that hashes the attributes as found accepts it; ETSI EN 319 122
    and EU DSS re-encode them as DER first and get a hash mismatch."""
    from asn1crypto import cms
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding

    data = src.read_bytes()
    i = data.rindex(b"/Contents") + len(b"/Contents")
    a = data.index(b"<", i) + 1
    b = data.index(b">", a)
    width = b - a
    ci = cms.ContentInfo.load(bytes.fromhex(data[a:b].decode()).rstrip(b"\0") or b"")
    si = ci["content"]["signer_infos"][0]
    elems = [x.dump() for x in si["signed_attrs"]]
    body = b"".join(reversed(elems))
    assert elems != list(reversed(elems))
    set_der = cms.CMSAttributes.load(b"\x31" + _der_len(len(body)) + body)
    si["signed_attrs"] = set_der
    key = serialization.load_pem_private_key(Path(key_path).read_bytes(), None)
    to_sign = b"\x31" + _der_len(len(body)) + body
    si["signature"] = key.sign(to_sign, padding.PKCS1v15(), hashes.SHA256())
    new = ci.dump().hex().encode()
    assert len(new) <= width
    dst.write_bytes(data[:a] + new + b"0" * (width - len(new)) + data[b:])
    return dst


def _der_len(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


def drop_annots_target(src: Path, dst: Path) -> Path:
    """A page whose /Annots names an object that does not exist (a missing
    object the change analysis looks up), written before signing."""
    with _update(src, dst) as w:
        page_ref, _ = w.prev.find_page_for_modification(0)
        page = page_ref.get_object()
        page[pdf_name("/Annots")] = generic.ArrayObject([generic.IndirectObject(9999, 0, w)])
        w.update_container(page)
    return dst


def run(coro):
    return asyncio.run(coro)

"""Number and date ("cấp số"): written into the blanks without breaking signatures.

Drafts carry blanks: "Số:     /UBND-VP" and "…, ngày   tháng   năm 20…". At
issuance the clerk's step fills them (Decree 30, art. 15.3). Writing into the
page content after the first signature would be a modification of signed
content; filling form fields that existed before the first signature is an
allowed change. So:

1. the first signature placed by Kyso (the reviewer's initial, or the leader's
   signature on the two-signature path) adds empty, borderless text fields
   over the blanks in the same revision it signs (:func:`add_issuance_fields`);
2. the clerk's issuance fills those fields (:func:`fill_issuance_fields`) in
   the revision that carries the agency signature.

pyHanko's difference analysis then reports form filling, nothing worse, after
the earlier signatures, and poppler's pdfsig keeps them valid.

A document signed first by another tool has no such fields, and pyHanko's
change analysis forbids creating new text fields after a signature
(``SigFieldCreationRule``: only *signature* fields may be created).  So the
clerk's revision then adds the number and the date as new, unsigned,
read-only **signature fields** whose widget appearance is the figure, placed
over the blank (:func:`add_filled_fields`): a new visible signature field is
an allowed change (form filling) for pyHanko, pdfsig only checks each signed
byte range, pdftotext reads the figures from the appearance, and the agency
signature locks the three fields by name (FieldMDP) as it locks prepared ones.
Drawing the figures inside the agency's own widget was the other option; it
would stretch one widget from the header to the signature block.

Vietnamese practice for the figures: numbers and days below 10, and the months
January and February, take a leading zero ("Số: 07", "ngày 05 tháng 02").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name

from .errors import DocumentError
from .pdfdoc import PdfInput
from .stamp import Box, StampLayout, TextBlock, TextLine, render_layout, rotation_matrix

NUMBER_FIELD = "KysoSoVanBan"
DAY_FIELD = "KysoNgay"
MONTH_FIELD = "KysoThang"
YEAR_FIELD = "KysoNam"
FIELD_NAMES = (NUMBER_FIELD, DAY_FIELD, MONTH_FIELD, YEAR_FIELD)
READ_ONLY = 1  # form field flag bit 1 (ISO 32000-1, table 221)


def format_number(number: int | str) -> str:
    text = str(number).strip()
    return f"0{text}" if text.isdigit() and int(text) < 10 and len(text) == 1 else text


def format_day(d: date) -> str:
    return f"{d.day:02d}"


def format_month(d: date) -> str:
    return f"{d.month:02d}" if d.month <= 2 else str(d.month)


#: The field reaches this far below the baseline (in font sizes), for descenders.
DESCENT = 0.35


@dataclass(frozen=True)
class Blank:
    """A blank to fill: field name, page index, box as displayed, how to write in it.

    The box's bottom lies ``DESCENT`` font sizes below the printed line's
    baseline, so the figures written in it stand on that same baseline.
    """

    name: str
    page: int
    box: Box
    font_size: float = 13.0
    italic: bool = False
    align: str = "center"

    @classmethod
    def on_baseline(cls, name: str, page: int, x: float, width: float, baseline: float,
                    font_size: float, italic: bool = False, align: str = "center") -> "Blank":
        box = Box(x, baseline - DESCENT * font_size, width, (1 + DESCENT) * font_size)
        return cls(name, page, box, font_size, italic, align)


def _field_appearance(writer, blank: Blank, value: str, rotation: int):
    layout = StampLayout(blank.box.w, blank.box.h, ())
    if value:
        layout = StampLayout(blank.box.w, blank.box.h, (TextBlock(
            (TextLine(value, blank.font_size, italic=blank.italic),),
            Box(1, 0, blank.box.w - 2, blank.box.h), align=blank.align,
            baseline=DESCENT * blank.font_size),))
    content, resources = render_layout(writer, layout)
    res = generic.DictionaryObject()
    for category, name, ref in resources:
        key = pdf_name(category.value if hasattr(category, "value") else str(category))
        res.setdefault(key, generic.DictionaryObject())[pdf_name(name)] = ref
    xobj = generic.StreamObject({
        pdf_name("/Type"): pdf_name("/XObject"),
        pdf_name("/Subtype"): pdf_name("/Form"),
        pdf_name("/BBox"): generic.ArrayObject([generic.FloatObject(v) for v in
                                                (0, 0, blank.box.w, blank.box.h)]),
        pdf_name("/Resources"): res,
    }, stream_data=content)
    matrix = rotation_matrix(rotation)
    if matrix is not None:
        xobj[pdf_name("/Matrix")] = generic.ArrayObject([generic.NumberObject(v) for v in matrix])
    return writer.add_object(xobj)


def _acroform_fields(writer) -> generic.ArrayObject:
    root = writer.root
    if "/AcroForm" not in root:
        root[pdf_name("/AcroForm")] = writer.add_object(generic.DictionaryObject({
            pdf_name("/Fields"): generic.ArrayObject()}))
        writer.update_root()
    form = root["/AcroForm"]
    if "/Fields" not in form:
        form[pdf_name("/Fields")] = generic.ArrayObject()
        writer.update_container(form)
    fields = form["/Fields"]
    writer.update_container(fields)
    return fields


def existing_fields(doc: PdfInput) -> dict[str, generic.IndirectObject]:
    """Kyso's issuance fields already in the document, by name."""
    found = {}
    try:
        fields = doc.reader.root["/AcroForm"]["/Fields"]
    except KeyError:
        return found
    for ref in fields:
        obj = ref.get_object()
        name = str(obj.get("/T", ""))
        if name in FIELD_NAMES:
            found[name] = ref
    return found


def add_issuance_fields(doc: PdfInput, blanks: list[Blank]) -> list[str]:
    """Add empty text fields over ``blanks`` (before the first signature only)."""
    writer = doc.writer
    have = existing_fields(doc)
    todo = [b for b in blanks if b.name not in have]
    if not todo:
        return []
    if doc.reader.embedded_regular_signatures:
        # Adding fields after a signature would itself be a change to signed
        # content; the clerk will be told the blanks cannot be filled.
        return []
    fields = _acroform_fields(writer)
    for blank in todo:
        _add_widget(doc, fields, blank, blank.name, "/Tx", flags=4, field_flags=0, value="")
    return [blank.name for blank in todo]


def _add_widget(doc: PdfInput, fields, blank: Blank, name: str, field_type: str, *, flags: int,
                field_flags: int, value: str, extra: dict | None = None) -> None:
    """One field with its widget over ``blank`` (its appearance shows ``value``),
    registered on the page and in the form's /Fields."""
    writer = doc.writer
    page_ref = doc.page_ref(blank.page)
    geometry = doc.geometry(blank.page)
    rect = geometry.box_to_user(blank.box)
    widget = generic.DictionaryObject({
        pdf_name("/Type"): pdf_name("/Annot"),
        pdf_name("/Subtype"): pdf_name("/Widget"),
        pdf_name("/FT"): pdf_name(field_type),
        pdf_name("/T"): generic.TextStringObject(name),
        **(extra or {}),
        pdf_name("/Rect"): generic.ArrayObject([generic.FloatObject(v) for v in rect]),
        pdf_name("/F"): generic.NumberObject(flags),
        pdf_name("/Ff"): generic.NumberObject(field_flags),
        pdf_name("/P"): page_ref,
        pdf_name("/DA"): generic.TextStringObject(f"/Helv {blank.font_size:g} Tf 0 g"),
        pdf_name("/MK"): generic.DictionaryObject({
            pdf_name("/R"): generic.NumberObject(geometry.rotation)}),
        pdf_name("/AP"): generic.DictionaryObject({
            pdf_name("/N"): _field_appearance(writer, blank, value, geometry.rotation)}),
    })
    ref = writer.add_object(widget)
    fields.append(ref)
    writer.register_annotation(page_ref, ref)


def add_filled_fields(doc: PdfInput, values: dict[str, str], blanks: dict[str, Blank]) -> list[str]:
    """After others' signatures: new unsigned, read-only signature fields over
    the blanks, their appearance the figure (see the module's note)."""
    fields = _acroform_fields(doc.writer)
    for name, value in values.items():
        _add_widget(doc, fields, blanks[name], name, "/Sig", flags=4 | 128,     # print, locked
                    field_flags=READ_ONLY, value=value,
                    extra={pdf_name("/TU"): generic.TextStringObject(f"Kyso: {value}")})
    return list(values)


def fill_issuance_fields(doc: PdfInput, values: dict[str, str], blanks: dict[str, Blank]) -> None:
    """Write ``values`` (field name → text) into the fields made before signing;
    on a document whose first signature was not Kyso's (no such fields), add
    them as new signature fields over the blanks found on the page."""
    writer = doc.writer
    have = existing_fields(doc)
    missing = [name for name in values if name not in have]
    if missing and not have and doc.reader.embedded_regular_signatures:
        if not all(name in blanks for name in values):
            from .placement import PlacementNotFound

            raise PlacementNotFound("placement.blanks_not_found")
        add_filled_fields(doc, values, blanks)
        return
    if missing:
        raise DocumentError("issue.no_fields", path=doc.path.name)
    for name, value in values.items():
        ref = have[name]
        field = ref.get_object()
        rect = [float(v) for v in field["/Rect"]]
        page_index = _page_index_of(doc, field)
        geometry = doc.geometry(page_index)
        box = geometry.box_to_display((rect[0], rect[1], rect[2], rect[3]))
        blank = blanks.get(name) or Blank(name, page_index, box)
        blank = Blank(name, page_index, box, blank.font_size, blank.italic, blank.align)
        field[pdf_name("/V")] = generic.TextStringObject(value)
        # Issued figures are read-only from now on (the agency signature also
        # locks them with a FieldMDP /Lock; see roles.role_options).
        try:
            flags = int(field.get("/Ff", 0))
        except (TypeError, ValueError):
            flags = 0
        field[pdf_name("/Ff")] = generic.NumberObject(flags | READ_ONLY)
        field[pdf_name("/AP")] = generic.DictionaryObject({
            pdf_name("/N"): _field_appearance(writer, blank, value, geometry.rotation)})
        writer.update_container(field)


def _page_index_of(doc: PdfInput, field) -> int:
    target = field.get("/P")
    if target is not None:
        for i in range(doc.page_count):
            if doc.page_ref(i).idnum == target.idnum:
                return i
    return 0

"""What changed between a signed revision and the file as it is now.

pyHanko's difference analysis grades changes (none, form filling, other) but
accepts form filling after the LAST signature, ignores /Info, and does not say
where a change is. A clerk receiving an issued document needs both: after the
last signature nothing but validation data (DSS) and document timestamps may
be added, and every other change is named, with its field, page and
rectangle.

This module compares two revisions object by object:

- form fields (terminal fields, by full name): value, appearance, flags, added,
  removed;
- annotations on each page that are not a field's widget: added, changed,
  removed;
- each page's own dictionary and content (not its /Annots);
- the catalogue's keys other than the form, the pages and validation data;
- the form's own settings (/NeedAppearances, ...);
- the document information dictionary (/Info).

Objects are compared by a fingerprint of their raw (still encoded) data, with
cycles cut and a budget on the number of objects visited, so a hostile file
can neither loop nor inflate anything here.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass

from pyhanko.pdf_utils import generic

from . import messages

log = logging.getLogger(__name__)

#: Keys of a field or annotation that point back up or across the document.
_BACK_KEYS = frozenset({"/P", "/Parent", "/Kids"})
#: Catalogue keys whose changes are judged elsewhere or are validation data.
_ROOT_SKIP = frozenset({"/AcroForm", "/Pages", "/DSS", "/Extensions", "/Perms", "/Type",
                        "/Metadata"})  # /Metadata: compared without its dates
#: Form keys that signing and timestamping legitimately touch.
_FORM_SKIP = frozenset({"/Fields", "/SigFlags", "/DR", "/DA"})
_FINGERPRINT_BUDGET = 20000
_MAX_PAGES = 10000
_MAX_FIELDS = 20000


@dataclass(frozen=True)
class Change:
    """One change found after a signed revision."""

    kind: str                 # see _TEXT below
    field: str | None = None  # field name, or annotation subtype, or key
    page: int | None = None   # 1-based
    rect: tuple[float, float, float, float] | None = None
    #: where it was before, when it moved (a widget's or an annotation's page and rectangle)
    was_page: int | None = None
    was_rect: tuple[float, float, float, float] | None = None

    def areas(self) -> list[tuple[int | None, tuple[float, float, float, float] | None]]:
        """(page, rectangle) where this change may show: now, and before if elsewhere."""
        out = [(self.page, self.rect)]
        if (self.was_page, self.was_rect) not in ((None, None), (self.page, self.rect)):
            out.append((self.was_page if self.was_page is not None else self.page, self.was_rect))
        return out

    def describe(self, lang: str | None = None) -> str:
        where = ""
        if self.page is not None:
            where = messages.tr("change.where_page", lang=lang, page=self.page)
            if self.rect is not None:
                where += " " + messages.tr("change.where_rect", lang=lang,
                                           rect=" ".join(f"{v:g}" for v in self.rect))
        text = messages.tr(f"change.{self.kind}", lang=lang, field=self.field or "?")
        return f"{text}{' (' + where + ')' if where else ''}"

    def to_json(self) -> dict:
        return {"kind": self.kind, "field": self.field, "page": self.page,
                "rect": list(self.rect) if self.rect else None,
                "description": self.describe()}


class _Budget(Exception):
    pass


def _plain(obj):
    """The object itself, decrypted (an encrypted file's strings, streams and
    their containers come wrapped in pyHanko's proxy); as stored when it does
    not decrypt (a signature's /Contents is never encrypted)."""
    if isinstance(obj, generic.DecryptedObjectProxy):
        try:
            return obj.decrypted
        except Exception:
            return obj.raw_object
    return obj


def _get(d, key: str, default=None):
    """``d[key]`` unresolved but decrypted (``dict.get`` gives the proxy)."""
    return _plain(d.get(key, default))


def _deref(obj):
    seen = 0
    obj = _plain(obj)
    while isinstance(obj, generic.IndirectObject):
        obj = _plain(obj.get_object())
        seen += 1
        if seen > 32:
            raise _Budget()
    return obj


_NOTHING: frozenset = frozenset()


class Printer:
    """Fingerprints of one revision's objects: a digest of an object and of what
    it references (raw stream bytes, never decoded).

    Each indirect object gets its own digest, built from its children's, and
    remembered once it does not depend on an object still being walked (a
    cycle is cut where it closes, by number). So an object several fields share
    (a font, a form's resources) is read and hashed once per revision.

    References to objects in ``stop`` (the catalogue, the pages) count by
    number only: they are compared on their own. ``dirty`` are the objects
    (number, generation) written or freed between the two revisions being
    compared; an object whose whole graph, read in the other revision's
    :class:`Printer` (``reuse``), touches none of them is the same object in
    this revision, and its digest is taken over without reading it again.
    """

    def __init__(self, stop: frozenset[int], dirty: frozenset | None = None,
                 reuse: "Printer | None" = None):
        self.stop = stop
        self.dirty = dirty if dirty is not None else _NOTHING
        self.memo: dict[tuple[int, int], tuple[bytes, bool]] = {}    # digest, touches dirty
        self._reuse = reuse.memo if reuse is not None and dirty is not None else None

    def fp(self, obj, skip: frozenset[str] = _NOTHING, budget: int = _FINGERPRINT_BUDGET) -> str:
        """The fingerprint of ``obj``, without the keys in ``skip`` of its own dictionary."""
        h = hashlib.sha256()
        try:
            self._walk(obj, 0, True, skip, [budget], {}, h)
        except _Budget:
            h.update(b"!budget")
        return h.hexdigest()

    def _walk(self, o, depth: int, top: bool, skip, left: list, stack: dict, h) -> tuple[frozenset, bool]:
        """Feed ``o`` into ``h``; returns the objects being walked it points back
        to (a cut cycle), and whether it touches a dirty object."""
        left[0] -= 1
        if left[0] < 0 or depth > 64:
            raise _Budget()
        o = _plain(o)       # decrypted: AES encrypts the same text differently each time
        if isinstance(o, generic.IndirectObject):
            key = (o.idnum, o.generation)
            if key in stack or (o.idnum in self.stop and not top):
                h.update(b"R%d %d;" % key)
                return (frozenset((key,)) if key in stack else _NOTHING), False
            if not top:
                hit = self.memo.get(key)
                if hit is None and self._reuse is not None:
                    hit = self._reuse.get(key)
                    if hit is not None and hit[1]:
                        hit = None
                if hit is not None:
                    h.update(b"I" + hit[0])
                    return _NOTHING, hit[1]
            try:
                target = _plain(o.get_object())
            except Exception:
                h.update(b"!unreadable;")
                return _NOTHING, key in self.dirty
            sub = hashlib.sha256()
            stack[key] = True
            try:
                back, dirty = self._direct(target, depth, top, skip, left, stack, sub)
            finally:
                del stack[key]
            digest = sub.digest()
            h.update(b"I" + digest)
            back = back - {key}
            dirty = dirty or key in self.dirty
            if not back and not top:
                self.memo[key] = (digest, dirty)
            return back, dirty
        return self._direct(o, depth, top, skip, left, stack, h)

    def _direct(self, o, depth: int, top: bool, skip, left: list, stack: dict, h) -> tuple[frozenset, bool]:
        back: frozenset = _NOTHING
        dirty = False
        if isinstance(o, generic.DictionaryObject):          # a stream too
            skip_here = skip if top else _NOTHING
            h.update(b"S<<" if isinstance(o, generic.StreamObject) else b"<<")
            for k in sorted(str(k) for k in o.keys()):
                if k in skip_here or k in _BACK_KEYS and depth > 0:
                    continue
                h.update(k.encode("utf-8", "surrogateescape"))
                b, d = self._walk(o.raw_get(k, generic.EncryptedObjAccess.PROXY), depth + 1, False, skip,
                                  left, stack, h)
                back, dirty = (back | b if b else back), dirty or d
            h.update(b">>")
            if isinstance(o, generic.StreamObject):
                h.update(hashlib.sha256(bytes(o.encoded_data or b"")).digest())
        elif isinstance(o, generic.ArrayObject):
            h.update(b"[")
            for item in o:
                b, d = self._walk(item, depth + 1, False, skip, left, stack, h)
                back, dirty = (back | b if b else back), dirty or d
            h.update(b"]")
        else:
            h.update(repr(o).encode("utf-8", "surrogateescape") + b";")
        return back, dirty


def _where(resolver):
    """(reader, revision) of a historical resolver, or of a reader (its newest revision)."""
    reader = getattr(resolver, "reader", None)
    if reader is None and hasattr(resolver, "xrefs"):
        return resolver, resolver.xrefs.total_revisions - 1
    return reader, getattr(resolver, "revision", None)


def _written_between(old_resolver, new_resolver) -> frozenset | None:
    """Objects (number, generation) written or freed after ``old_resolver``'s
    revision up to ``new_resolver``'s; None when that cannot be told from the
    cross-reference sections alone (an object stream of the old revision
    rewritten later changes objects it never lists)."""
    try:
        reader, lo = _where(old_resolver)
        other, hi = _where(new_resolver)
        if reader is None or other is not reader or lo is None or hi is None:
            return None
        if hi <= lo:
            return None
        xrefs = reader.xrefs
        out: set[tuple[int, int]] = set()
        for r in range(lo + 1, hi + 1):
            out |= {(ref.idnum, ref.generation) for ref in xrefs.explicit_refs_in_revision(r)}
            out |= {(ref.idnum, ref.generation) for ref in xrefs.refs_freed_in_revision(r)}
        streams: set[int] = set()
        for r in range(lo + 1):
            streams |= {ref.idnum for ref in xrefs.object_streams_used_in(r)}
        if any(idnum in streams for idnum, _ in out):
            return None
        return frozenset(out)
    except Exception:
        log.debug("cross-reference history unreadable", exc_info=True)
        return None


def _rect(d) -> tuple[float, float, float, float] | None:
    try:
        r = _deref(_get(d, "/Rect"))
        vals = tuple(round(float(_deref(v)), 1) for v in r)
        return vals if len(vals) == 4 else None
    except Exception:
        return None


#: What a page inherits from the page tree nodes above it (ISO 32000-1, 7.7.3.4).
_INHERITED = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")


def _pages(root, inherited: list | None = None) -> list[tuple[int | None, generic.DictionaryObject]]:
    """Pages in order as (object number, page dictionary), loops cut. With
    ``inherited``, each page's inheritable values from the nodes above it
    (nearest wins, still unresolved) are appended to it, one dict a page."""
    out: list[tuple[int | None, generic.DictionaryObject]] = []
    seen: set[int] = set()

    def walk(ref, depth, above: dict):
        if len(out) >= _MAX_PAGES or depth > 64:
            return
        idnum = ref.idnum if isinstance(ref, generic.IndirectObject) else None
        if idnum is not None:
            if idnum in seen:
                return
            seen.add(idnum)
        node = _deref(ref)
        if not isinstance(node, generic.DictionaryObject):
            return
        if _get(node, "/Type") == "/Pages" or "/Kids" in node:
            kids = _deref(_get(node, "/Kids"))
            here = dict(above)
            if depth > 0:       # the root's own are compared with the catalogue ("/Pages")
                here.update({k: node.raw_get(k) for k in _INHERITED if k in node})
            if isinstance(kids, generic.ArrayObject):
                for kid in kids:
                    walk(kid, depth + 1, here)
        else:
            out.append((idnum, node))
            if inherited is not None:
                inherited.append(above)

    try:
        walk(root.raw_get("/Pages"), 0, {})
    except Exception:
        log.debug("page tree unreadable", exc_info=True)
    return out


@dataclass
class _Field:
    name: str
    obj: generic.DictionaryObject
    widgets: list
    page: int | None = None
    rect: tuple | None = None


def _fields(root, page_of: dict[int, int]) -> dict[str, _Field]:
    """Terminal form fields by full name, with their widgets."""
    out: dict[str, _Field] = {}
    seen: set[int] = set()
    try:
        form = _deref(_get(root, "/AcroForm"))
        top = _deref(_get(form, "/Fields")) if isinstance(form, generic.DictionaryObject) else None
    except Exception:
        return out
    if not isinstance(top, generic.ArrayObject):
        return out

    def walk(ref, prefix: str, depth: int):
        if len(out) >= _MAX_FIELDS or depth > 32:
            return
        if isinstance(ref, generic.IndirectObject):
            if ref.idnum in seen:
                return
            seen.add(ref.idnum)
        node = _deref(ref)
        if not isinstance(node, generic.DictionaryObject):
            return
        part = _get(node, "/T")
        name = f"{prefix}.{part}" if prefix and part is not None else str(part) if part is not None else prefix
        kids = _deref(_get(node, "/Kids"))
        field_kids = []
        widget_kids = []
        if isinstance(kids, generic.ArrayObject):
            for kid in kids:
                k = _deref(kid)
                if isinstance(k, generic.DictionaryObject) and "/T" in k:
                    field_kids.append(kid)
                else:
                    widget_kids.append(kid)
        if field_kids:
            for kid in field_kids:
                walk(kid, name, depth + 1)
            return
        widgets = widget_kids or [ref]
        f = _Field(name or "?", node, widgets)
        for w in widgets:
            wd = _deref(w)
            if isinstance(wd, generic.DictionaryObject):
                f.rect = _rect(wd)
                p = wd.raw_get("/P") if "/P" in wd else None
                if isinstance(p, generic.IndirectObject):
                    f.page = page_of.get(p.idnum)
                if f.page is None and isinstance(w, generic.IndirectObject):
                    f.page = page_of.get(("annot", w.idnum))
                break
        key = f.name
        n = 2
        while key in out:  # the same name twice: keep both
            key = f"{f.name}#{n}"
            n += 1
        out[key] = f

    for ref in top:
        try:
            walk(ref, "", 0)
        except Exception:
            log.debug("field unreadable", exc_info=True)
    return out


def _is_empty_signature_field(f: _Field) -> bool:
    """A signature field without a signature (its widget may still show something)."""
    try:
        return _get(f.obj, "/FT") == "/Sig" and _deref(_get(f.obj, "/V")) is None
    except Exception:
        return False


def _is_signed_signature(f: _Field) -> bool:
    """A signature field holding a signature (a later signer's own field)."""
    try:
        if _get(f.obj, "/FT") != "/Sig":
            return False
        v = _deref(_get(f.obj, "/V"))
        return isinstance(v, generic.DictionaryObject) and "/Contents" in v
    except Exception:
        return False


def _annots(page) -> list:
    try:
        a = _deref(_get(page, "/Annots"))
    except Exception:
        return []
    return list(a) if isinstance(a, generic.ArrayObject) else []


def _is_doc_timestamp(f: _Field) -> bool:
    """An invisible field carrying a document timestamp (validation data)."""
    try:
        if _get(f.obj, "/FT") != "/Sig":
            return False
        v = _deref(_get(f.obj, "/V"))
        if not isinstance(v, generic.DictionaryObject) or not (
                _get(v, "/Type") == "/DocTimeStamp" or _get(v, "/SubFilter") == "/ETSI.RFC3161"):
            return False
    except Exception:
        return False
    r = f.rect
    return r is None or (r[2] - r[0]) * (r[3] - r[1]) == 0


class _Revision:
    def __init__(self, resolver, dirty: frozenset | None = None, reuse: "_Revision | None" = None):
        self.resolver = resolver
        self.root = resolver.root
        self.trailer = resolver.trailer_view
        self.inherited: list[dict] = []
        self.pages = _pages(self.root, self.inherited)
        page_of: dict = {}
        for i, (idnum, page) in enumerate(self.pages):
            if idnum is not None:
                page_of[idnum] = i + 1
            for a in _annots(page):
                if isinstance(a, generic.IndirectObject):
                    page_of.setdefault(("annot", a.idnum), i + 1)
        self.page_of = page_of
        stop = {idnum for idnum, _ in self.pages if idnum is not None}
        with_root = self.trailer.raw_get("/Root") if "/Root" in self.trailer else None
        if isinstance(with_root, generic.IndirectObject):
            stop.add(with_root.idnum)
        pages_ref = self.root.raw_get("/Pages") if "/Pages" in self.root else None
        if isinstance(pages_ref, generic.IndirectObject):
            stop.add(pages_ref.idnum)
        self.stop = frozenset(stop)
        self.printer = Printer(self.stop, dirty, reuse.printer if reuse is not None else None)
        self.fields = _fields(self.root, page_of)
        self.widget_ids = set()
        for f in self.fields.values():
            for w in f.widgets:
                if isinstance(w, generic.IndirectObject):
                    self.widget_ids.add(w.idnum)

    def field_print(self, f: _Field) -> dict[str, str]:
        """Per aspect fingerprints of a field and its widgets."""
        parts: dict[str, list[str]] = {"value": [], "appearance": [], "flags": [], "other": []}
        groups = {"/V": "value", "/AP": "appearance", "/AS": "appearance", "/Ff": "flags",
                  "/F": "flags"}
        dicts = [f.obj] + [_deref(w) for w in f.widgets]
        for d in dicts:
            if not isinstance(d, generic.DictionaryObject):
                continue
            for k in d.keys():
                k = str(k)
                if k in _BACK_KEYS:
                    continue
                group = groups.get(k, "other")
                parts[group].append(k + ":" + self.fp(d.raw_get(k)))
        return {g: hashlib.sha256("|".join(sorted(v)).encode()).hexdigest() for g, v in parts.items()}

    def annotations(self) -> dict:
        out = {}
        for i, (_idnum, page) in enumerate(self.pages):
            for j, a in enumerate(_annots(page)):
                if isinstance(a, generic.IndirectObject):
                    if a.idnum in self.widget_ids:
                        continue
                    key = a.idnum
                else:
                    key = ("direct", i, j)
                try:
                    d = _deref(a)
                except Exception:
                    d = None
                if not isinstance(d, generic.DictionaryObject):
                    continue
                out[key] = (i + 1, d, self.fp(d, skip=_BACK_KEYS))
        return out

    def fp(self, obj, skip: frozenset[str] = frozenset()) -> str:
        return self.printer.fp(obj, skip)


#: What every incremental writer (pyHanko too, for a timestamp) updates.
_INFO_VOLATILE = frozenset({"/ModDate", "/Producer"})
_XMP_VOLATILE = re.compile(
    rb"(<(xmp|xap|pdf):(ModifyDate|MetadataDate|Producer)>.*?</\2:\3>"
    rb"|(xmp|xap|pdf):(ModifyDate|MetadataDate|Producer)\s*=\s*(\"[^\"]*\"|'[^']*'))", re.S)


def _info_print(rev: _Revision) -> str:
    """/Info without its modification date and producer.

    The trailer's reference resolves against the newest revision in pyHanko,
    so it is looked up in this revision explicitly.
    """
    try:
        if "/Info" not in rev.trailer:
            return ""
        ref = rev.trailer.raw_get("/Info")
        info = rev.resolver.get_object(ref.reference) if isinstance(ref, generic.IndirectObject) else ref
        return rev.fp(info, skip=_INFO_VOLATILE)
    except Exception:
        return "!unreadable"


def _xmp_print(rev: _Revision) -> str | None:
    """The XMP metadata without its dates and producer (None when absent)."""
    if "/Metadata" not in rev.root:
        return None
    try:
        stream = _deref(rev.root.raw_get("/Metadata"))
        if not isinstance(stream, generic.StreamObject) or len(stream.encoded_data or b"") > (2 << 20):
            return rev.fp(rev.root.raw_get("/Metadata"))
        return hashlib.sha256(_XMP_VOLATILE.sub(b"", stream.data[: 16 << 20])).hexdigest()
    except Exception:
        return "!unreadable"


def compare_revisions(old_resolver, new_resolver) -> list[Change]:
    """Every change from ``old_resolver``'s revision to ``new_resolver``'s, beyond
    validation data and invisible document timestamps."""
    dirty = _written_between(old_resolver, new_resolver)
    old = _Revision(old_resolver, dirty)
    new = _Revision(new_resolver, dirty, reuse=old)   # what old read and no later revision wrote
    changes: list[Change] = []

    # form fields
    for name, f in new.fields.items():
        before = old.fields.get(name)
        if before is None:
            if _is_signed_signature(f):
                if not _is_doc_timestamp(f):
                    changes.append(Change("signature_added", name, f.page, f.rect))
            elif _is_empty_signature_field(f):
                # an empty signature field: PAdES lets later revisions add them (pyHanko
                # too); judged by what its widget shows, and never after the last signature
                changes.append(Change("signature_field_added", name, f.page, f.rect))
            elif not _is_doc_timestamp(f):
                changes.append(Change("field_added", name, f.page, f.rect))
            continue
        a, b = old.field_print(before), new.field_print(f)
        if a == b:
            continue
        if _is_signed_signature(f) and not _is_signed_signature(before):
            if not _is_doc_timestamp(f):       # an empty signature field, now signed
                changes.append(Change("signature_added", name, f.page, f.rect,
                                              was_page=before.page, was_rect=before.rect))
            continue
        was = {"was_page": before.page, "was_rect": before.rect}
        if a["value"] != b["value"]:
            changes.append(Change("field_value", name, f.page, f.rect, **was))
        if a["appearance"] != b["appearance"]:
            changes.append(Change("field_appearance", name, f.page, f.rect, **was))
        if a["flags"] != b["flags"] and a["value"] == b["value"] and a["appearance"] == b["appearance"]:
            # flags alone (e.g. read-only) matter only when nothing else changed
            changes.append(Change("field_flags", name, f.page, f.rect, **was))
        if a["other"] != b["other"]:
            changes.append(Change("field_changed", name, f.page, f.rect, **was))
    for name, f in old.fields.items():
        if name not in new.fields:
            changes.append(Change("field_removed", name, f.page, f.rect))

    # annotations that are not field widgets
    old_a, new_a = old.annotations(), new.annotations()
    for key, (page, d, fp) in new_a.items():
        kind = str(_get(d, "/Subtype", "?"))
        if key not in old_a:
            changes.append(Change("annotation_added", kind, page, _rect(d)))
        elif old_a[key][2] != fp:
            changes.append(Change("annotation_changed", kind, page, _rect(d),
                                  was_page=old_a[key][0], was_rect=_rect(old_a[key][1])))
    for key, (page, d, _fp) in old_a.items():
        if key not in new_a:
            changes.append(Change("annotation_removed", str(_get(d, "/Subtype", "?")), page, _rect(d)))

    # pages themselves
    if len(old.pages) != len(new.pages):
        changes.append(Change("pages_changed", str(len(new.pages))))
    for i, ((_, p_old), (_, p_new)) in enumerate(zip(old.pages, new.pages)):
        skip = frozenset({"/Annots", "/Parent"})
        if old.fp(p_old, skip=skip) != new.fp(p_new, skip=skip):
            # the content itself, or only what it may use (/Resources, /StructParents…)
            same_content = (old.fp(p_old.raw_get("/Contents")) if "/Contents" in p_old else None) == (
                new.fp(p_new.raw_get("/Contents")) if "/Contents" in p_new else None)
            rest = frozenset({"/Annots", "/Parent", "/Contents", "/Resources", "/StructParents"})
            same_box = old.fp(p_old, skip=rest) == new.fp(p_new, skip=rest)
            kind = "page_resources" if same_content and same_box else "page_content"
            changes.append(Change(kind, None, i + 1))
        else:
            # what it inherits from the page tree's inner nodes (a /Rotate or a /MediaBox
            # put on a new node above it turns or crops the signed page)
            a, b = old.inherited[i], new.inherited[i]
            differ = {k for k in _INHERITED if not (k in p_old and k in p_new) and (
                old.fp(a[k]) if k in a else None) != (new.fp(b[k]) if k in b else None)}
            if differ:
                changes.append(Change("page_resources" if differ == {"/Resources"} else "page_content",
                                      None, i + 1))
    # what pages inherit from the page tree's root (/Resources, /MediaBox, /Rotate…)
    try:
        t_old, t_new = _deref(old.root.raw_get("/Pages")), _deref(new.root.raw_get("/Pages"))
        skip = frozenset({"/Kids", "/Count", "/Parent"})
        if old.fp(t_old, skip=skip) != new.fp(t_new, skip=skip):
            changes.append(Change("catalog", "/Pages"))
    except Exception:
        log.debug("page tree root unreadable", exc_info=True)

    # catalogue and form settings
    keys = {str(k) for k in old.root.keys()} | {str(k) for k in new.root.keys()}
    for k in sorted(keys - _ROOT_SKIP):
        a = old.fp(old.root.raw_get(k)) if k in old.root else None
        b = new.fp(new.root.raw_get(k)) if k in new.root else None
        if a != b:
            changes.append(Change("catalog", k))
    try:
        fa = _deref(_get(old.root, "/AcroForm"))
        fb = _deref(_get(new.root, "/AcroForm"))
    except Exception:
        fa = fb = None
    fa = fa if isinstance(fa, generic.DictionaryObject) else generic.DictionaryObject()
    fb = fb if isinstance(fb, generic.DictionaryObject) else generic.DictionaryObject()
    for k in sorted(({str(k) for k in fa.keys()} | {str(k) for k in fb.keys()}) - _FORM_SKIP):
        a = old.fp(fa.raw_get(k)) if k in fa else None
        b = new.fp(fb.raw_get(k)) if k in fb else None
        if a != b:
            changes.append(Change("form_settings", k))

    if _info_print(old) != _info_print(new):
        changes.append(Change("info"))
    if _xmp_print(old) != _xmp_print(new):
        changes.append(Change("catalog", "/Metadata"))
    return changes

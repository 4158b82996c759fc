"""Issue 16: verdicts a receiving clerk can rely on, on files made here by kind.

Every file is generated at test time (tests/support/verify_cases.py: pyHanko's
own signer with the test PKI's PEM keys, reportlab pages, pyHanko's incremental
writer, byte edits), deterministic in what it exercises. Each case states the
verdict a reference validator gives, and Kyso must give the same indication
(ETSI EN 319 102-1: passed / failed / indeterminate). The test root is given
with ``--trust`` semantics (``trust_roots``) unless a case is about trust.

References named below:
- pyHanko 0.38's validator (``validate_pdf_signature``) with its difference
  analysis, where it gets to a verdict;
- poppler's ``pdfsig`` (NSS) for the cryptographic check, run here;
- EU DSS / ETSI EN 319 102-1 for indications (TOTAL-PASSED, TOTAL-FAILED
  HASH_FAILURE, INDETERMINATE NO_CERTIFICATE_CHAIN_FOUND) and for signed
  attributes hashed in their DER form (ETSI EN 319 122-1, 5.2.1);
- the PDF-insecurity research (Mainka, Mladenov, Rohlmann, Schwenk: "Shadow
  attacks", NDSS 2021) for what counts as an attack that must be detected.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

import pytest
from pyhanko.sign.fields import MDPPerm
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko_certvalidator import ValidationContext

from kyso.core.verify import load_certificates, verify_file
from support import verify_cases as vc_


@pytest.fixture(scope="module")
def cases(test_pki, pki_services, tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("cases")
    roots = load_certificates([test_pki.root_cert_path])
    vc = ValidationContext(trust_roots=roots, allow_fetching=True)
    lead, agency = vc_.signer_for(test_pki, "leader"), vc_.signer_for(test_pki, "agency")
    box1, box2 = (300, 100, 500, 160), (300, 180, 500, 240)
    f: dict[str, Path] = {}
    plain = vc_.base_pdf(out / "plain.pdf")
    f["approval"] = vc_.sign(plain, out / "approval.pdf", lead, "Sig1", box=box1)
    f["b_lt_vri"] = vc_.add_validation_data(f["approval"], out / "b_lt_vri.pdf", vc, "Sig1")
    f["b_lta"] = vc_.doc_timestamp(f["b_lt_vri"], out / "b_lta.pdf", test_pki.tsa_url)
    f["b_lta_signed_so"] = vc_.sign(plain, out / "b_lta_signed_so.pdf", lead, "Sig1", box=box1,
                                    timestamper=HTTPTimeStamper(test_pki.tsa_url), embed_vc=vc, lta=True)
    f["doc_ts_without_type"] = vc_.doc_timestamp(f["approval"], out / "ts_no_type.pdf", test_pki.tsa_url,
                                                 without_type=True)
    f["doc_ts_only"] = vc_.doc_timestamp(plain, out / "ts_only.pdf", test_pki.tsa_url)
    period = vc_.base_pdf(out / "period.pdf", "period")
    s = vc_.sign(period, out / "period-signed.pdf", lead, "Sig1", box=box1)
    f["period_field_filled"] = vc_.fill_text(s, out / "period_fill.pdf", "so.hieu", "417")
    f["period_field_then_signed"] = vc_.sign(f["period_field_filled"], out / "period_sig.pdf", agency,
                                             "Sig2", box=box2)
    missing = vc_.drop_annots_target(plain, out / "missing.pdf")
    s = vc_.sign(missing, out / "missing-signed.pdf", lead, "Sig1", box=box1)
    f["missing_object_then_dss"] = vc_.add_validation_data(s, out / "missing_dss.pdf", vc, "Sig1")
    cert2 = vc_.sign(plain, out / "cert_p2.pdf", lead, "Cert", certify=True, perm=MDPPerm.FILL_FORMS, box=box1)
    f["certified_p2_then_approval"] = vc_.sign(cert2, out / "cert_p2_approval.pdf", agency, "Sig2", box=box2)
    f["certified_p2_then_note"] = vc_.add_note(cert2, out / "cert_p2_note.pdf")
    cert3 = vc_.sign(plain, out / "cert_p3.pdf", lead, "Cert", certify=True, perm=MDPPerm.ANNOTATE, box=box1)
    f["certified_p3_then_note"] = vc_.add_note(cert3, out / "cert_p3_note.pdf")
    cert1 = vc_.sign(plain, out / "cert_p1.pdf", lead, "Cert", certify=True, perm=MDPPerm.NO_CHANGES, box=box1)
    f["certified_p1_then_dss"] = vc_.add_validation_data(cert1, out / "cert_p1_dss.pdf", vc, "Cert")
    f["certified_p1_then_note"] = vc_.add_note(cert1, out / "cert_p1_note.pdf")
    choices = vc_.base_pdf(out / "choices.pdf", "choices")
    s = vc_.sign(choices, out / "choices-signed.pdf", lead, "Sig1", box=box1)
    f["checkbox_radio_filled"] = vc_.tick_choices(s, out / "choices_filled.pdf")
    f["structure_and_resources"] = vc_.structure_and_resources(f["approval"], out / "struct.pdf")
    overlay = vc_.base_pdf(out / "overlay.pdf", "overlay")
    s = vc_.sign(overlay, out / "overlay-signed.pdf", lead, "Sig1", box=box1)
    f["shadow_replace"] = vc_.fill_text(s, out / "shadow_replace.pdf", "so_tien",
                                        "So tien duoc duyet: 90.000.000 dong", background=True)
    f["blank_number_filled"] = vc_.fill_text(s, out / "blank_fill.pdf", "so_van_ban", "417/UBND-VP")
    f["cropped_by_page_tree"] = vc_.crop_by_page_tree(f["approval"], out / "cropped.pdf")
    enc = vc_.encrypt_empty(overlay, out / "enc.pdf")
    s = vc_.sign(enc, out / "enc-signed.pdf", lead, "Sig1", box=box1)
    f["encrypted_then_signed_again"] = vc_.sign(s, out / "enc-two.pdf", agency, "Sig2", box=box2)
    f["encrypted_shadow_replace"] = vc_.fill_text(s, out / "enc-shadow.pdf", "so_tien",
                                                  "So tien duoc duyet: 90.000.000 dong", background=True)
    filled = vc_.fill_text(overlay, out / "filled.pdf", "so_van_ban", "417/UBND-VP")
    s = vc_.sign(filled, out / "filled-signed.pdf", lead, "Sig1", box=box1)
    f["field_moved"] = vc_.move_field(s, out / "moved.pdf", "so_van_ban", 120)
    f["signed_attrs_not_der"] = vc_.unsorted_signed_attrs(f["approval"], out / "unsorted.pdf",
                                                          test_pki.identities["leader"].key_path)
    data = bytearray(f["approval"].read_bytes())
    f["truncated"] = out / "truncated.pdf"
    f["truncated"].write_bytes(bytes(data[: len(data) // 3]))
    f["spoofed_header"] = out / "spoofed.pdf"
    f["spoofed_header"].write_bytes(b"<html>" + bytes(data[8:]))
    return f


# case -> (document indication, per-signature indications, reference and why)
EXPECTED = {
    # pdfsig: valid; pyHanko: intact, valid, no modification (DSS is LTA_UPDATES)
    "approval": ("passed", ["passed"]),
    # PAdES B-LT: DSS with a /VRI entry added after signing. DSS: TOTAL-PASSED; pyHanko: LTA_UPDATES
    "b_lt_vri": ("passed", ["passed"]),
    # PAdES B-LTA: plus a document timestamp. DSS: TOTAL-PASSED, the timestamp is not a signature
    "b_lta": ("passed", ["passed"]),
    # pyHanko's own B-LTA signing. DSS: TOTAL-PASSED
    "b_lta_signed_so": ("passed", ["passed"]),
    # a document timestamp without /Type (SubFilter ETSI.RFC3161). pdfsig counts 2 and the
    # timestamp valid; DSS: a timestamp, TOTAL-PASSED for the one signature
    "doc_ts_without_type": ("passed", ["passed"]),
    # only a document timestamp: no signature to pass (DSS: no signature found)
    "doc_ts_only": ("indeterminate", []),
    # a field named "so.hieu" filled after signing (form filling): pyHanko's diff analysis
    # raises on the name; Adobe/DSS: valid with form filling. Never "failed"
    "period_field_filled": ("passed", ["passed"]),
    "period_field_then_signed": ("passed", ["passed", "passed"]),
    # the page's /Annots names an object that does not exist; DSS added later. pdfsig: valid
    "missing_object_then_dss": ("passed", ["passed"]),
    # DocMDP P=2 then an approval signature: allowed (ISO 32000-2 12.8.2.2; pyHanko: docmdp ok)
    "certified_p2_then_approval": ("passed", ["passed", "passed"]),
    # DocMDP P=2 then an annotation: not allowed (pyHanko: ANNOTATIONS > FORM_FILLING, docmdp failed)
    "certified_p2_then_note": ("failed", ["failed"]),
    # DocMDP P=3 then an annotation in the margin: allowed (pyHanko: docmdp ok)
    "certified_p3_then_note": ("passed", ["passed"]),
    # DocMDP P=1 then validation data: allowed (PAdES; pyHanko: LTA_UPDATES)
    "certified_p1_then_dss": ("passed", ["passed"]),
    # DocMDP P=1 then an annotation: not allowed (pyHanko: docmdp failed; pyHanko's signer even
    # refuses to add a signature)
    "certified_p1_then_note": ("failed", ["failed"]),
    # a check box ticked and a radio button chosen after signing: form filling (pyHanko: FORM_FILLING)
    "checkbox_radio_filled": ("passed", ["passed"]),
    # structure tree, /MarkInfo and an unused font added: nothing changes on the page.
    # DSS: TOTAL-PASSED (object modifications reported as information only)
    "structure_and_resources": ("passed", ["passed"]),
    # shadow "replace": a transparent field over the signed amount gets a value drawn over it.
    # PDF-insecurity: an attack that must be detected (Adobe/pyHanko call it form filling)
    "shadow_replace": ("failed", ["failed"]),
    # filling a blank number field, as Kyso's issuance does: permitted form filling
    "blank_number_filled": ("passed", ["passed"]),
    # the signed page cropped by a new inner node of the page tree (the page's own
    # dictionary and the root's keep their values): a change of the page (pyHanko's
    # difference analysis: the page tree is not a permitted update)
    "cropped_by_page_tree": ("failed", ["failed"]),
    # the same with an AES-encrypted file (empty open password): the change analysis reads
    # the decrypted objects (it saw nothing at all before: every value was a proxy)
    "encrypted_then_signed_again": ("passed", ["passed", "passed"]),
    "encrypted_shadow_replace": ("failed", ["failed"]),
    # a filled field's widget moved up 120 pt after signing: a change of the field beyond
    # its value (pyHanko: /Rect of a widget is not form filling)
    "field_moved": ("failed", ["failed"]),
    # signed attributes in non-DER order: DSS/ETSI re-encode as DER: HASH_FAILURE (pdfsig: valid)
    "signed_attrs_not_der": ("failed", ["failed"]),
    # a damaged file (cut at a third) and a spoofed header: DSS: not a valid PDF, failed
    "truncated": ("failed", []),
    "spoofed_header": ("failed", []),
}


@pytest.mark.parametrize("case", list(EXPECTED))
def test_case_verdict(case, cases, test_pki):
    roots = load_certificates([test_pki.root_cert_path])
    rep = verify_file(cases[case], roots)
    doc, sigs = EXPECTED[case]
    got = [s.indication for s in rep.signatures]
    assert (rep.indication, got) == (doc, sigs), (case, rep.to_json())
    if doc == "passed":
        assert rep.valid and all(not s.changes for s in rep.signatures)
    # document timestamps are never counted as signatures
    assert all(not s.field.startswith("Timestamp") for s in rep.signatures)


def test_timestamps_listed_apart(cases, test_pki):
    roots = load_certificates([test_pki.root_cert_path])
    for case in ("b_lta", "doc_ts_without_type", "doc_ts_only"):
        rep = verify_file(cases[case], roots)
        assert len(rep.timestamps) == 1 and rep.timestamps[0].indication == "passed", (case, rep.to_json())


def test_shadow_attack_names_the_region(cases, test_pki):
    roots = load_certificates([test_pki.root_cert_path])
    (sig,) = verify_file(cases["shadow_replace"], roots).signatures
    assert "verify.over_signed_content" in sig.problems
    assert any(c.field == "so_tien" for c in sig.changes)
    region = [r for r in sig.regions if r.covers_signed_content]
    assert region and region[0].page == 1
    x0, y0, x1, y1 = region[0].rect      # over the amount line drawn at y=600
    assert y0 <= 605 <= y1 and x0 < 120
    (ok,) = verify_file(cases["blank_number_filled"], roots).signatures
    assert ok.regions and not any(r.covers_signed_content for r in ok.regions)
    assert [c.field for c in ok.permitted] == ["so_van_ban", "so_van_ban"]


def test_moved_field_shows_where_it_was_and_where_it_is(cases, test_pki):
    """Only around the changes is compared: a moved widget is looked at in both places."""
    roots = load_certificates([test_pki.root_cert_path])
    (sig,) = verify_file(cases["field_moved"], roots).signatures
    moved = [c for c in sig.changes if c.field == "so_van_ban"]
    assert moved and moved[0].was_rect != moved[0].rect
    old_y, new_y = moved[0].was_rect[1], moved[0].rect[1]
    assert any(r.rect[1] <= old_y + 5 and r.rect[3] >= old_y for r in sig.regions), sig.regions
    assert any(r.rect[1] <= new_y + 5 and r.rect[3] >= new_y for r in sig.regions), sig.regions


def test_analysis_error_is_indeterminate_not_failed(cases, test_pki, monkeypatch):
    """An exception inside the change analysis is not evidence of tampering."""
    from kyso.core import verify

    def broken(*_a, **_kw):
        raise KeyError("/Kids")

    monkeypatch.setattr(verify, "compare_revisions", broken)
    roots = load_certificates([test_pki.root_cert_path])
    rep = verify_file(cases["period_field_then_signed"], roots)
    first = rep.signatures[0]
    assert first.indication == "indeterminate" and first.problems == ("verify.analysis_incomplete",)
    assert rep.indication == "indeterminate"


def test_cli_json_keeps_fields_and_adds_indication(cases, test_pki, run_kyso, tmp_path):
    r = run_kyso("verify", cases["shadow_replace"], cases["b_lta"], "--trust", test_pki.root_cert_path, "--json")
    assert r.returncode == 5, r.stderr
    data = json.loads(r.stdout)
    assert data["indication"] == "failed" and data["valid"] is False
    shadow, lta = data["files"]
    assert shadow["indication"] == "failed" and lta["indication"] == "passed"
    assert shadow["sha256"] == hashlib.sha256(cases["shadow_replace"].read_bytes()).hexdigest()
    sig = shadow["signatures"][0]
    for key in ("field", "signer", "signer_subject", "signer_cert_sha256", "signing_time", "intact",
                "crypto_valid", "trusted", "revoked", "modification", "coverage", "covers", "revision",
                "valid", "problems", "reasons", "changes"):
        assert key in sig, key
    assert sig["indication"] == "failed" and sig["regions"][0]["covers_signed_content"]
    assert lta["document_timestamps"][0]["indication"] == "passed" and len(lta["signatures"]) == 1
    r = run_kyso("verify", cases["b_lta"], "--trust", test_pki.root_cert_path)
    assert r.returncode == 0 and "(passed)" in r.stdout, r.stdout


def test_damaged_and_spoofed_are_failed_with_exit_5(cases, run_kyso):
    for case in ("truncated", "spoofed_header"):
        r = run_kyso("verify", cases[case], "--json")
        assert r.returncode == 5, (case, r.stdout, r.stderr)
        assert json.loads(r.stdout)["files"][0]["indication"] == "failed"


def test_encrypted_with_empty_password_is_verified(test_pki, tmp_path, run_kyso):
    """Encrypted only to set permissions (empty open password): verified, not refused
    "to sign"; with a real open password and none given: indeterminate, said so."""
    import pikepdf

    plain = vc_.base_pdf(tmp_path / "p.pdf")
    enc = tmp_path / "enc.pdf"
    with pikepdf.open(plain) as pdf:
        pdf.save(enc, encryption=pikepdf.Encryption(user="", owner="chu", R=4, aes=True))
    signed = vc_.sign(enc, tmp_path / "enc-signed.pdf", vc_.signer_for(test_pki), "Sig1", box=(300, 100, 500, 160))
    rep = verify_file(signed, load_certificates([test_pki.root_cert_path]))
    assert rep.indication == "passed", rep.to_json()
    locked = tmp_path / "locked.pdf"
    with pikepdf.open(plain) as pdf:
        pdf.save(locked, encryption=pikepdf.Encryption(user="mk", owner="chu", R=4, aes=True))
    rep = verify_file(locked)
    assert rep.indication == "indeterminate" and rep.error_code == "verify.encrypted"
    assert "kiểm tra" in rep.error and "để ký" not in rep.error


def test_pdfsig_agrees_on_signatures(cases):
    """poppler counts the same signatures valid (cryptographically) on the passed cases."""
    for case in ("approval", "b_lt_vri", "certified_p2_then_approval", "period_field_then_signed"):
        out = subprocess.run(["pdfsig", str(cases[case])], capture_output=True, text=True).stdout
        n = len(EXPECTED[case][1])
        assert out.count("Signature is Valid") >= n, (case, out)


def test_unrenderable_revision_is_indeterminate_and_found_wrong_stays_failed(cases, test_pki, monkeypatch):
    """If PDFium cannot render a revision, form filling it had to look at is
    undecided (indeterminate), while a change found wrong without pictures
    (DocMDP P=2 then an annotation) stays failed."""
    from kyso.core import visual

    def broken(self, *_a, **_kw):
        raise RuntimeError("cannot render")

    monkeypatch.setattr(visual.Comparer, "regions", broken)
    roots = load_certificates([test_pki.root_cert_path])
    (s,) = verify_file(cases["shadow_replace"], roots).signatures
    assert s.indication == "indeterminate" and "verify.analysis_incomplete" in s.problems
    assert "so_tien" in s.reasons()[0]
    (s,) = verify_file(cases["certified_p2_then_note"], roots).signatures
    assert s.indication == "failed"


def test_no_copy_on_disk_and_no_handle_left(cases, test_pki, tmp_path, monkeypatch):
    """The revisions PDFium renders are read from memory: a secret document's
    signed versions are never written to a temporary folder."""
    import tempfile

    from kyso.core import pdfium

    spool = tmp_path / "spool"
    spool.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool))
    before = set(pdfium.still_open())
    roots = load_certificates([test_pki.root_cert_path])
    rep = verify_file(cases["shadow_replace"], roots)
    assert rep.signatures[0].regions                 # the revisions were rendered
    assert list(spool.iterdir()) == []
    assert set(pdfium.still_open()) == before


def test_later_signature_region_and_what_it_covers(test_pki, tmp_path):
    """A later signature is permitted; its region is its stamp's rectangle, and
    whether it covers signed content is read from the signed revision."""
    roots = load_certificates([test_pki.root_cert_path])
    lead, agency = vc_.signer_for(test_pki, "leader"), vc_.signer_for(test_pki, "agency")
    base = vc_.base_pdf(tmp_path / "overlay.pdf", "overlay")
    first = vc_.sign(base, tmp_path / "first.pdf", lead, "Sig1", box=(300, 100, 500, 160))
    over = vc_.sign(first, tmp_path / "over.pdf", agency, "Sig2", box=(60, 590, 300, 625))
    blank = vc_.sign(first, tmp_path / "blank.pdf", agency, "Sig2", box=(300, 180, 500, 240))
    for path, covers, rect in ((over, True, (60, 590, 300, 625)), (blank, False, (300, 180, 500, 240))):
        rep = verify_file(path, roots)
        assert rep.indication == "passed", rep.to_json()
        (region,) = rep.signatures[0].regions
        assert region.page == 1 and region.covers_signed_content is covers
        assert all(abs(a - b) < 1 for a, b in zip(region.rect, rect)), region

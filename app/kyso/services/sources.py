"""Where documents come from, and what each source can do.

A source lists its documents (:class:`DocumentRow`), gives the PDF of each,
makes the batch :class:`~kyso.services.batch.Job` for a role and the
:class:`~kyso.services.batch.Sink` its signed results go to, and declares in
``capabilities`` anything more it can do (sync, number reservation, "Trả
lại", conflicts), so a face asks the source instead of guessing:

- :class:`FolderSource`: a folder of PDFs;
- :class:`SingleFile`: one PDF opened on its own, any role, a copy beside it;
- :class:`kyso.services.serversource.SyncSource`: the document server's inbox
  through the local sync store.
"""

from __future__ import annotations

import enum
import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol, runtime_checkable

from ..core.role import Role
from .batch import FileSink, FolderSink, Job, Sink


#: What a document waits for, as the list shows it (Vietnamese source text; the
#: desktop app translates it when it shows it).
ACTION_LABELS = {
    Role.INITIAL: "Chờ ký nháy",
    Role.LEADER: "Chờ ký số",
    Role.AGENCY: "Chờ cấp số & đóng dấu",
    Role.ATTACHMENT: "Chờ ký phụ lục",
    Role.COPY: "Chờ sao y",
    None: "",
}
RETURNED = "Đã trả lại"
ISSUED = "Đã ban hành"
SIGNED = "Đã ký"


class Capability(enum.Enum):
    """What a document source can do beyond listing and signing its documents."""

    SYNC = "sync"                      # sync(), status, login(): a document server
    RESERVE_NUMBER = "reserve_number"  # numbers come from the server's register
    RETURN = "return"                  # "Trả lại" with a comment
    CONFLICTS = "conflicts"            # conflict_copies(), use_server_version()
    STORED_RESULTS = "stored_results"  # the signed result lives in the source's store
    ANY_ROLE = "any_role"              # a loose file: every role may act, a copy goes beside it


@dataclass(frozen=True)
class DocumentRow:
    doc_id: str
    number: str = ""            # số, ký hiệu ("607/UBND-VP", blank in a draft)
    subject: str = ""           # trích yếu
    doc_type: str = ""          # Công văn, Quyết định…
    urgency: str = ""           # độ khẩn: Thường, Khẩn, Thượng khẩn, Hỏa tốc
    sender: str = ""            # nơi gửi / cơ quan ban hành
    received: datetime | None = None
    status: str = ""            # shown as is
    action: str | None = None   # INITIAL | SIGN | ISSUE | ATTACHMENT | COPY | None
    direction: str = "incoming"  # incoming | outgoing | sent
    conflict: bool = False
    secrecy: str = ""


@runtime_checkable
class DocumentSource(Protocol):
    """What every source offers; anything more is declared in ``capabilities``."""

    capabilities: frozenset

    def list_documents(self) -> list[DocumentRow]: ...

    def pdf_path(self, doc_id: str) -> Path: ...

    def job(self, doc_id: str, role: Role) -> Job: ...

    def sink(self, role: Role) -> Sink: ...


# -- a folder of PDFs -----------------------------------------------------------

_STATE = ".kyso-folder.json"


def _info_and_fields(path: Path) -> tuple[dict[str, str], list[str]]:
    import pikepdf

    info: dict[str, str] = {}
    fields: list[str] = []
    try:
        with pikepdf.open(str(path)) as pdf:
            for k, v in pdf.docinfo.items():
                try:
                    info[str(k).lstrip("/")] = str(v)
                except Exception:  # noqa: BLE001
                    pass
            acro = pdf.Root.get("/AcroForm")
            if acro is not None:
                for f in acro.get("/Fields", []):
                    if f.get("/FT") == "/Sig" and f.get("/V") is not None:
                        fields.append(str(f.get("/T", "")))
    except Exception:  # noqa: BLE001 - listed with what we know; opening will say why
        pass
    return info, fields


def infer_action(fields: list[str], default: str | None) -> str | None:
    names = " ".join(fields)
    if Role.AGENCY.field_prefix in names:
        return None
    if Role.LEADER.field_prefix in names:
        return Role.AGENCY
    if Role.INITIAL.field_prefix in names:
        return Role.LEADER
    return default


class FolderSource:
    """A folder of PDFs as a document list (sub-folders are not searched).

    What each document waits for is given, or kept in the folder's
    ``.kyso-folder.json``, or read from the PDF's Info dictionary
    (``/KysoWaiting``, next to ``/KysoSecrecy``), or inferred from the Kyso
    signatures already on it. A signed document replaces the folder's file
    (its earlier revisions stay inside it).
    """

    capabilities = frozenset({Capability.RETURN})

    def __init__(self, folder: Path | str, actions: dict[str, str | None] | None = None,
                 default_action: str | None = Role.LEADER):
        self.folder = Path(folder)
        self._given = dict(actions or {})
        self.default_action = default_action

    def _state(self) -> dict:
        try:
            return json.loads((self.folder / _STATE).read_text("utf-8"))
        except (OSError, ValueError):
            return {}

    def _save_state(self, state: dict) -> None:
        tmp = self.folder / (_STATE + ".tmp")
        tmp.write_text(json.dumps(state, ensure_ascii=False, indent=1), "utf-8")
        os.replace(tmp, self.folder / _STATE)

    def list_documents(self) -> list[DocumentRow]:
        state = self._state()
        rows = []
        for path in sorted(self.folder.glob("*.pdf")):
            doc_id = path.name
            info, fields = _info_and_fields(path)
            st = state.get(doc_id, {})
            if doc_id in self._given:
                action = self._given[doc_id]
            elif "action" in st:
                action = st["action"]
            elif info.get("KysoWaiting"):
                action = info["KysoWaiting"] or None
            else:
                action = infer_action(fields, self.default_action)
            number = st.get("number") or info.get("KysoNumber", "")
            notation = info.get("KysoNotation", "")
            if not number and notation:
                number = f"…/{notation}"
            if action is not None:
                action = Role.parse(action)
            status = st.get("status") or (ACTION_LABELS.get(action) or
                                          (ISSUED if any(Role.AGENCY.field_prefix in f for f in fields)
                                           else (SIGNED if fields else "")))
            rows.append(DocumentRow(
                doc_id=doc_id,
                number=number,
                subject=info.get("Title") or info.get("Subject") or path.stem,
                doc_type=info.get("KysoDocType", ""),
                urgency=info.get("KysoUrgency", "") or "Thường",
                sender=info.get("Author", ""),
                received=datetime.fromtimestamp(path.stat().st_mtime),
                status=status,
                action=action,
                direction=st.get("direction") or info.get("KysoDirection", "") or "incoming",
                conflict=bool(st.get("conflict")),
                secrecy=info.get("KysoSecrecy", ""),
            ))
        return rows

    def pdf_path(self, doc_id: str) -> Path:
        path = self.folder / doc_id
        if path.parent != self.folder:
            raise ValueError(doc_id)
        return path

    def output_path(self, doc_id: str, role: Role) -> Path:
        """Where the signed version is written before :meth:`store_result`."""
        return self.folder / f".{Path(doc_id).stem}.{Role.parse(role).value}.signing.pdf"

    def job(self, doc_id: str, role: Role) -> Job:
        return Job(self.pdf_path(doc_id), self.output_path(doc_id, role), doc_id)

    def sink(self, role: Role) -> FolderSink:
        return FolderSink(lambda job, result: self.store_result(job.doc_id, Path(result.output), role))

    def store_result(self, doc_id: str, signed_path: Path, role: Role | None = None) -> None:
        """The signed version replaces the document (its earlier revisions stay inside)."""
        os.replace(signed_path, self.pdf_path(doc_id))
        state = self._state()
        st = state.setdefault(doc_id, {})
        role = Role.parse(role) if role else None
        nxt = role.next if role else None
        self._given.pop(doc_id, None)
        st["action"] = nxt.value if nxt else None
        st["status"] = ACTION_LABELS.get(nxt) or (ISSUED if role == Role.AGENCY else SIGNED)
        if role == Role.AGENCY:
            st["direction"] = "sent"
        self._save_state(state)

    def return_document(self, doc_id: str, reason: str) -> None:
        """Trả lại: the document goes back to its drafter with a reason."""
        state = self._state()
        st = state.setdefault(doc_id, {})
        self._given.pop(doc_id, None)
        st.update(action=None, status=f"{RETURNED}: {reason}" if reason else RETURNED)
        self._save_state(state)


class SingleFile:
    """One PDF opened outside any list (dropped on the window, ``Mở tệp``): any
    role may act on it, and the signed copy goes beside it, the original kept."""

    capabilities = frozenset({Capability.ANY_ROLE})

    def __init__(self, path: Path | str):
        self.path = Path(path)

    def list_documents(self) -> list[DocumentRow]:
        return [DocumentRow(doc_id=str(self.path), subject=self.path.stem)]

    def pdf_path(self, doc_id: str | None = None) -> Path:
        return self.path

    def job(self, doc_id: str | None, role: Role) -> Job:
        return Job(self.path, output_next_to(self.path, role))

    def sink(self, role: Role) -> FileSink:
        return FileSink()


def output_next_to(src: Path, role: Role | str) -> Path:
    """``van-ban.pdf`` → ``van-ban.ky-so.pdf`` (never overwriting an existing file)."""
    base = src.with_name(f"{src.stem}.{Role.parse(role).file_suffix}.pdf")
    out, n = base, 2
    while out.exists():
        out = base.with_name(f"{base.stem}-{n}.pdf")
        n += 1
    return out

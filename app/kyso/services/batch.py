"""The one batch loop: many documents, one login, a result per document.

Every face signs through :func:`run_batch`, one document or two hundred:

- each :class:`Job` may carry its own options (the clerk's batch issuance
  gives each document its own register number);
- a :class:`Sink` decides where a signed document goes: a file beside the
  source or named by ``-o`` (:class:`FileSink`), back into a folder's document
  (:class:`FolderSink`), or the sync store's outbox, durable before any upload
  (:class:`OutboxSink`);
- a bad document fails alone; a token failure (wrong PIN, token pulled out,
  locked) stops the batch, and the documents after it are reported as not
  tried: nothing retries a wrong PIN into a lock;
- the loop stops between documents when ``cancelled()`` says so;
- ``progress(i, n, result)`` is called after each document;
- with more than one document, a stamp placed automatically with low
  confidence (a scan, an unusual layout) is not signed: that document is
  reported "could not find where to sign: sign this one alone and place the
  stamp" instead of guessing (``SignOptions.min_confidence``).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Protocol, Sequence

from ..core.errors import Cancelled, DocumentError, KysoError, TokenError
from ..core.signing import SignOptions, SignResult, sign_document

log = logging.getLogger(__name__)


@dataclass
class Job:
    src: Path
    dst: Path | None = None          # where a file sink writes (None for the outbox)
    doc_id: str | None = None        # the document in its source (folder name, server id)
    #: this document's own options, when they differ from the batch's (its
    #: number from the register, in a batch issuance)
    options: SignOptions | None = None


class Sink(Protocol):
    def sign(self, signer, job: Job, options: SignOptions) -> SignResult: ...


class FileSink:
    """Writes each signed document to its job's ``dst`` (atomically; the source
    is never modified)."""

    def sign(self, signer, job: Job, options: SignOptions) -> SignResult:
        if job.dst is None:
            raise ValueError("a file sink needs the job's output path")
        return sign_document(signer, job.src, job.dst, options)


class FolderSink(FileSink):
    """Signs to the job's ``dst``, then hands the result to ``store(job, result)``
    (a folder's document takes its new signed revision)."""

    def __init__(self, store: Callable[[Job, SignResult], None]):
        self.store = store

    def sign(self, signer, job: Job, options: SignOptions) -> SignResult:
        result = super().sign(signer, job, options)
        self.store(job, result)
        return result


class OutboxSink:
    """Signs a server document's stored copy into the sync outbox: the signed
    file is durable (blob fsynced, outbox row committed) before any upload.
    ``sign_job(signer, doc_id, options)`` returns the signed blob's path."""

    def __init__(self, sign_job: Callable[[object, str, SignOptions], Path]):
        self.sign_job = sign_job

    def sign(self, signer, job: Job, options: SignOptions) -> SignResult:
        started = time.perf_counter()
        out = self.sign_job(signer, job.doc_id, options)
        return SignResult(job.src, Path(out), seconds=time.perf_counter() - started)


def _as_error(exc: BaseException, src: Path) -> KysoError:
    if isinstance(exc, KysoError):
        return exc
    log.exception("Signing %s failed", src)
    return DocumentError("doc.sign_failed", path=src.name, detail=str(exc) or type(exc).__name__)


def run_batch(signer, jobs: Sequence[Job], options: SignOptions, sink: Sink | None = None,
              progress: Callable[[int, int, SignResult], None] | None = None,
              cancelled: Callable[[], bool] | None = None) -> list[SignResult]:
    """Sign every job with one signer (one login); a result per job, in order."""
    sink = sink or FileSink()
    if len(jobs) > 1:
        from ..core.placement import LOW_CONFIDENCE

        options = replace(options, min_confidence=max(options.min_confidence, LOW_CONFIDENCE))
        jobs = [replace(j, options=replace(j.options, min_confidence=max(j.options.min_confidence, LOW_CONFIDENCE)))
                if j.options is not None else j for j in jobs]
    results: list[SignResult] = []
    stop: KysoError | None = None
    total = len(jobs)
    for i, job in enumerate(jobs, 1):
        src = Path(job.src)
        if stop is None and cancelled is not None and cancelled():
            stop = Cancelled()
        if stop is not None:
            err = stop if isinstance(stop, Cancelled) else TokenError(
                "batch.skipped_after_token_error", detail=stop.message)
            result = SignResult(src, None, err)
        else:
            try:
                result = sink.sign(signer, job, job.options or options)
            except Exception as exc:  # noqa: BLE001 - one bad document fails alone
                err = _as_error(exc, src)
                result = SignResult(src, None, err)
                if isinstance(err, TokenError):
                    stop = err   # never retry a token failure (PIN, removal, lock)
        results.append(result)
        if progress is not None:
            progress(i, total, result)
    return results

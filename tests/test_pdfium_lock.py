"""PDFium behind one lock, in the core (``kyso.core.pdfium``).

pypdfium2 forbids calls from two threads at once, even on different documents.
The page view renders on the worker pool while a stamp preview's placement
analysis and the secrecy check read page text on other threads; unlocked, that
crashes the process now and then or returns garbled text.  Here all three run
together from several threads, many times, and must give exactly what one
thread gives.  No Qt.
"""

from __future__ import annotations

import ast
import hashlib
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from kyso.core import pdfium
from kyso.core.pdfdoc import first_page_runs
from kyso.core.placement import analyse
from kyso.demo.samples import generate_sample

APP = Path(__file__).resolve().parents[1] / "app"
THREADS = 4
ROUNDS = 25
SCALE = 0.25   # small pages: the point is many calls at once, not big bitmaps


def _imports_pypdfium2(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""] if node.level == 0 else []
        else:
            continue
        if any(n == "pypdfium2" or n.startswith("pypdfium2.") for n in names):
            lines.append(node.lineno)
    return lines


def test_only_the_core_pdfium_module_imports_pypdfium2():
    owner = APP / "kyso" / "core" / "pdfium.py"
    assert _imports_pypdfium2(owner), "the owner module itself should import pypdfium2"
    others = {str(p.relative_to(APP)): found for p in sorted(APP.rglob("*.py"))
              if p != owner and (found := _imports_pypdfium2(p))}
    assert others == {}, f"pypdfium2 imported outside kyso.core.pdfium (file: lines): {others}"


def test_importing_the_module_does_not_load_pypdfium2():
    """pypdfium2 costs ~60 ms to import: it loads when a document is first
    opened (on a pool thread in the GUI), not with the modules that use it."""
    code = ("import sys, kyso.core.pdfium, kyso.core.placement, kyso.core.pdfdoc; "
            "print('pypdfium2' in sys.modules)")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(APP), os.environ.get("PYTHONPATH")])))
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.fixture(scope="module")
def docs(tmp_path_factory):
    d = tmp_path_factory.mktemp("pdfium_lock")
    plain = generate_sample("cong_van", d / "cv.pdf", pages=2).path
    secret = generate_sample("quyet_dinh", d / "qd-mat.pdf", pages=1, secrecy="Mật").path
    return plain, secret


def _digest(page: pdfium.RenderedPage) -> str:
    return f"{page.width}x{page.height}:{hashlib.sha256(page.data).hexdigest()}"


def test_analysis_secrecy_check_and_renders_from_many_threads_agree(docs):
    plain, secret = docs
    before = set(pdfium.still_open())
    # What a stamp preview and a secrecy check ask of PDFium, each opening its
    # own document; and the page view, whose one document stays open and is
    # rendered from whichever pool thread is free.
    tasks = {
        "analyse": lambda: analyse(plain),
        "secret runs": lambda: first_page_runs(secret),
        "plain runs": lambda: first_page_runs(plain),
    }
    names = list(tasks)
    with pdfium.Document(plain, forms=True) as view:
        expected = {name: task() for name, task in tasks.items()}
        renders = [_digest(view.render(i, SCALE)) for i in range(len(view))]
        assert expected["analyse"].signature_block is not None
        assert expected["secret runs"] and not expected["plain runs"]   # "MẬT" on the secret page only
        assert len(renders) == 2

        start = threading.Barrier(THREADS)
        results: list[tuple[str, object]] = []
        errors: list[BaseException] = []

        def work(n: int) -> None:
            try:
                start.wait()
                for r in range(ROUNDS):
                    # the threads take different tasks at the same moment
                    name = names[(n + r) % len(names)]
                    results.append((name, tasks[name]()))
                    page = (n + r) % len(renders)
                    results.append((f"render {page}", _digest(view.render(page, SCALE))))
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(n,), name=f"pdfium-{n}") for n in range(THREADS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert not any(t.is_alive() for t in threads), "a thread hung"
        assert errors == []
        assert len(results) == 2 * THREADS * ROUNDS
        expected.update({f"render {i}": d for i, d in enumerate(renders)})
        wrong = [name for name, got in results if got != expected[name]]
        assert wrong == [], f"results differing from one thread's: {wrong}"
    assert set(pdfium.still_open()) == before


def test_a_closed_document_refuses_calls_and_closes_once(docs):
    plain, _ = docs
    doc = pdfium.Document(plain)
    assert plain in pdfium.still_open()
    assert len(doc) == 2 and not doc.closed
    doc.close()
    doc.close()
    assert doc.closed and plain not in pdfium.still_open()
    with pytest.raises(pdfium.DocumentClosed):
        doc.render(0, SCALE)
    with pytest.raises(pdfium.DocumentClosed), doc.locked():
        pass


def test_a_file_pdfium_cannot_open_raises_its_error_and_leaves_nothing_open(tmp_path):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.7\nnot really\n")
    before = set(pdfium.still_open())
    with pytest.raises(pdfium.PdfiumError):
        pdfium.Document(bad)
    assert set(pdfium.still_open()) == before


def test_the_lock_is_held_inside_locked_and_is_reentrant(docs):
    plain, _ = docs
    seen = []

    def other() -> None:
        seen.append(pdfium.LOCK.acquire(blocking=False))

    with pdfium.Document(plain) as doc, doc.locked() as pdf:
        t = threading.Thread(target=other)
        t.start()
        t.join()
        assert seen == [False]               # another thread must wait
        assert len(doc.page_sizes()) == len(pdf) == 2   # this one may go on (re-entrant)

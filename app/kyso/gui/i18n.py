"""The GUI's language: Qt translators for Kyso's strings and Qt's own.

Every UI string in the code is Vietnamese (``self.tr("Mở tệp PDF…")``); the
English text comes from ``resources/translations/kyso_en.ts``, compiled to
``kyso_en.qm`` when the package is built (``setup.py``'s build step: the wheel
and the installers carry the ``.qm``) and, in a checkout, next to the ``.ts`` by
``scripts/setup.sh``. Nothing is compiled on the user's machine: without a
``.qm`` the interface stays Vietnamese and the log says why. The core's own
sentences (errors, results) follow the same choice through
:func:`kyso.core.messages.set_language`.

A language can change while the app runs: installing (or removing) a
translator makes Qt send ``QEvent.LanguageChange`` to every widget, and each
window and dialog of Kyso sets its texts again in ``retranslate_ui()`` (called
from ``changeEvent``), including the texts computed from its state. Item
models get no such event: their owner's ``retranslate_ui`` tells them.
"""

from __future__ import annotations

import logging
from typing import Callable, Union
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QLibraryInfo, QLocale, QTranslator

from ..core import messages

log = logging.getLogger(__name__)

TRANSLATIONS = Path(__file__).resolve().parents[1] / "resources" / "translations"
#: Vietnamese is the source language: it needs no catalogue of ours.
LANGUAGES = ("vi", "en")
SOURCE_LANGUAGE = "vi"

#: translators we installed, so a second call replaces rather than stacks them
_installed: list[QTranslator] = []


def normalise(language: str | None) -> str:
    return "en" if (language or "").lower().startswith("en") else "vi"


def catalogue(language: str) -> Path | None:
    """The compiled ``kyso_<lang>.qm`` beside the ``.ts``, or None when there is none.

    An installed package has it from its build; a checkout from
    ``scripts/setup.sh``, which also rebuilds it when the ``.ts`` is newer (a
    stale one is still used, with a warning).
    """
    ts = TRANSLATIONS / f"kyso_{language}.ts"
    qm = TRANSLATIONS / f"kyso_{language}.qm"
    if not qm.is_file():
        log.warning("%s is missing (a checkout builds it with scripts/setup.sh)", qm)
        return None
    if ts.is_file() and ts.stat().st_mtime > qm.stat().st_mtime + 1:
        log.warning("%s is older than %s: run scripts/setup.sh to rebuild it", qm.name, ts.name)
    return qm


def _qt_translators(app, language: str) -> list[QTranslator]:
    """Qt's own strings (standard buttons, context menus) when Qt ships them."""
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    out = []
    tr = QTranslator(app)
    if tr.load(QLocale(language), "qtbase", "_", folder):
        out.append(tr)
    return out


def install_translator(app, language: str | None) -> list[QTranslator]:
    """Make ``language`` ('vi' or 'en') the language of the GUI and the core.

    Removes the translators an earlier call installed, installs Kyso's
    catalogue (none is needed for Vietnamese, the source language) and Qt's
    ``qtbase`` catalogue when available. Returns the installed translators.
    """
    language = normalise(language)
    app = app or QCoreApplication.instance()
    remove_translators(app)
    messages.set_language(language)
    installed: list[QTranslator] = []
    if language != SOURCE_LANGUAGE:
        qm = catalogue(language)
        tr = QTranslator(app)
        if qm is not None and tr.load(str(qm)):
            installed.append(tr)
        else:
            log.warning("No %s translation found; the interface stays Vietnamese", language)
    installed += _qt_translators(app, language)
    for tr in installed:
        app.installTranslator(tr)
    _installed.extend(installed)
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)
                       if language == "en" else
                       QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam))
    return installed


#: A text for the person: a string, or a callable that makes it in the current
#: language (a widget keeping the callable words it again after a switch).
LiveText = Union[str, Callable[[], str]]


def live(text: LiveText | None) -> str:
    """The words of a :data:`LiveText` now ("" for None)."""
    if text is None:
        return ""
    return text() if callable(text) else text


class Retranslating:
    """Mixed into a widget class (before the Qt base) that has ``retranslate_ui()``:
    Qt's ``LanguageChange`` event calls it, so the widget's texts follow a switch."""

    def changeEvent(self, event) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)


def named_buttons(box, dialog):
    """Add an OK and a Cancel button to the ``QDialogButtonBox`` ``box`` whose
    texts the dialog sets itself, wired to ``dialog``'s accept and reject;
    returns ``(ok, cancel)``.

    A *standard* button (``StandardButton.Ok``) gets Qt's own text back on every
    LanguageChange, after the dialog's ``retranslate_ui`` named it ("Ký" would
    become "OK"); a button added with a role keeps the dialog's text.
    """
    from PySide6.QtWidgets import QDialogButtonBox

    ok = box.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
    cancel = box.addButton("", QDialogButtonBox.ButtonRole.RejectRole)
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return ok, cancel


def remove_translators(app=None) -> None:
    app = app or QCoreApplication.instance()
    while _installed:
        tr = _installed.pop()
        if app is not None:
            app.removeTranslator(tr)

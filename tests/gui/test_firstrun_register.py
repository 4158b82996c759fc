"""The first-run assistant registers the chosen certificate with the server
account (proof of possession, in the background), and says what comes next."""

from __future__ import annotations

import pytest

from kyso.gui import worker
from kyso.gui.firstrun import TOKEN_ROLE, FirstRunWizard
from sync.conftest import PASSWORD, running_server


pytestmark = pytest.mark.usefixtures("memory_keyring")   # tests/gui/conftest.py


def test_first_run_registers_the_chosen_certificate(qtbot, tmp_path, test_pki, module_path, softhsm):
    with running_server(tmp_path / "server", test_pki) as srv:
        w = FirstRunWizard(modules=[module_path])
        qtbot.addWidget(w)
        w.show()
        qtbot.keyClicks(w.server_page.url_edit, srv.url)
        qtbot.keyClicks(w.server_page.user_edit, "truongphong")
        w.next()
        page = w.token_page
        qtbot.waitUntil(lambda: not page.searching and bool(page.results), timeout=20000)
        items = [page.tree.topLevelItem(i).child(j) for i in range(page.tree.topLevelItemCount())
                 for j in range(page.tree.topLevelItem(i).childCount())]
        item = next(it for it in items if it.data(0, TOKEN_ROLE) == "KYSO-UNITHEAD")
        page.tree.clearSelection()
        item.setSelected(True)
        w.next()
        reg = w.register_page
        assert w.currentPage() is reg and reg.register_button.isEnabled()
        assert "truongphong" in reg.intro.text()
        qtbot.keyClicks(reg.password_edit, PASSWORD)
        qtbot.keyClicks(reg.pin_edit, softhsm.user_pin)
        reg.register_button.click()
        assert not w.button(w.WizardButton.NextButton).isEnabled()     # while the token works
        qtbot.waitUntil(lambda: not reg.busy, timeout=30000)
        assert "approve-cert" in reg.result_text, reg.result_text
        assert reg.pin_edit.text() == ""                               # the PIN is not kept
        [cert] = srv.client("truongphong").certificates()
        assert cert["status"] == "pending" and cert["source"] == "proof"
        # a second registration of the same certificate says so, without error
        qtbot.keyClicks(reg.pin_edit, softhsm.user_pin)
        reg.register_button.click()
        qtbot.waitUntil(lambda: not reg.busy, timeout=30000)
        assert "approve-cert" in reg.result_text
        w.next()
        assert w.currentPage() is w.images_page
        w.reject()
        qtbot.waitUntil(lambda: worker.running() == 0, timeout=10000)


def test_without_a_server_the_step_is_skipped(qtbot, module_path):
    w = FirstRunWizard(modules=[module_path])
    qtbot.addWidget(w)
    w.show()
    w.server_page.offline_check.setChecked(True)
    w.next()
    qtbot.waitUntil(lambda: not w.token_page.searching, timeout=20000)
    w.next()
    reg = w.register_page
    assert not reg.register_button.isEnabled() and "kyso register-cert" in reg.intro.text()
    assert w.button(w.WizardButton.NextButton).isEnabled()
    w.reject()
    qtbot.waitUntil(lambda: worker.running() == 0, timeout=10000)

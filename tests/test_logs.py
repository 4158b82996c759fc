"""The file log both front ends share (kyso.core.logs)."""

from __future__ import annotations

import logging

from kyso.core import paths
from kyso.core.logs import setup_logging


def test_log_file_in_the_log_folder_keeps_vietnamese(kyso_home):
    root = logging.getLogger()
    before = list(root.handlers)
    try:
        path = setup_logging("kyso-app.log", logging.CRITICAL)
        assert path == paths.log_dir() / "kyso-app.log"
        assert str(path).startswith(str(kyso_home))
        logging.getLogger("kyso.test").info("Đã ký văn bản số 607/UBND-VP")
        logging.getLogger("kyso.test").debug("not in the file")
        for h in root.handlers:
            if h not in before:
                h.flush()
        text = path.read_text(encoding="utf-8")
        assert "INFO kyso.test: Đã ký văn bản số 607/UBND-VP" in text
        assert "not in the file" not in text
        # called again (the CLI run twice in one process): replaced, not stacked
        setup_logging("kyso-app.log", logging.CRITICAL)
        assert len([h for h in root.handlers if h not in before]) == 2
    finally:
        for h in list(root.handlers):
            if h not in before:
                root.removeHandler(h)
                h.close()

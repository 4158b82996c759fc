"""The frozen Kyso's entry (PyInstaller): one program answering to two names.

``kyso-gui`` (the Linux symlink, ``kyso-gui.exe`` on Windows, the macOS .app)
starts the desktop app, :func:`kyso.gui.app.main` (``kyso-gui --tray`` is the
session's signing service, see kyso.services.autostart); any other name
(``kyso``) is the command line, :func:`kyso.cli.main`. The name is taken from argv[0],
which a symlink keeps, then from the executable itself.
"""

import os
import sys


def _names() -> list[str]:
    out = []
    for path in (sys.argv[0] if sys.argv else "", sys.executable):
        stem = os.path.splitext(os.path.basename(path))[0].lower()
        if stem:
            out.append(stem)
    return out


def main() -> int:
    if os.environ.get("KYSO_FROZEN_GUI") == "1" or any(n.endswith("-gui") for n in _names()):
        from kyso.gui.app import main as gui_main

        return gui_main()
    from kyso.cli import main as cli_main

    return cli_main()


if __name__ == "__main__":
    sys.exit(main())

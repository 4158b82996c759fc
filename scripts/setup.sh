#!/usr/bin/env bash
# Sets up everything Kyso needs on a Debian machine, then leaves a ready
# virtualenv in .venv. Used by both README commands (scripts/demo, scripts/test).
# Debian packages are installed only when missing: directly as root, through
# sudo when it needs no password, otherwise we stop and print the exact line.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  python3-venv python3-dev gcc      # the virtualenv and packages that compile
  softhsm2 opensc                   # software token for the demo and tests (+ pkcs11-tool)
  opencryptoki                      # a second real PKCS#11 token that counts wrong PINs
  poppler-utils qpdf                # pdfsig, pdftotext, pdftoppm, qpdf: independent checks
  libnss3-tools openssl             # certutil, vfychain: NSS judges the signers' chains in the tests
  fonts-croscore                    # Tinos for the GUI (the stamp font is bundled)
  postgresql                        # the server test suite also runs on PostgreSQL
  chromium                          # headless browser: tests/bridge drive a real page against kyso bridge
  dbus-daemon                       # a private session bus: the file-manager test ("open containing folder")
  faketime                          # libfaketime: the Vietnam-date tests move the clock to midnight in Vietnam
  tesseract-ocr tesseract-ocr-vie   # OCR of scanned drafts (kyso.core.ocr): Vietnamese words and their boxes
  tesseract-ocr-osd                 # Tesseract's orientation detection: scans fed sideways or upside down
  fonts-liberation fonts-dejavu-core  # the producer fixtures' faces (Times New Roman's metric twin, DejaVu Serif)
  # (rebuilding the committed producer fixtures, tests/producers/build.py, also needs
  #  libreoffice-writer and wkhtmltopdf; the tests read the committed PDFs)
  libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3  # Qt offscreen
  xvfb libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 \
  libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1  # the real window under Xvfb
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  line="apt-get install -y --no-install-recommends ${missing[*]}"
  if [ "$(id -u)" = 0 ]; then
    echo "kyso setup: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    echo "kyso setup: installing ${missing[*]} (sudo)"
    sudo DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "kyso setup: these Debian packages are missing. Install them, then run this again:" >&2
    echo "  sudo $line" >&2
    exit 1
  fi
fi

PY=${PYTHON:-python3}
"$PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || {
  echo "kyso setup: Python 3.11 or newer is needed (found $("$PY" --version 2>&1))." >&2; exit 1; }
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.kyso-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ constraints.txt -nt "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null
  # the tested versions (constraints.txt), not whatever is newest today
  .venv/bin/python -m pip install -q -c constraints.txt -e ".[gui,server,dev]"
  touch "$stamp"
fi

# Translations: compile each .ts catalogue to its .qm (not committed), only when
# the .ts is newer. The GUI compiles nothing itself: a built package carries its
# .qm (setup.py's build step), a checkout has the one made here.
for ts in app/kyso/resources/translations/*.ts; do
  [ -e "$ts" ] || continue
  qm="${ts%.ts}.qm"
  if [ ! -f "$qm" ] || [ "$ts" -nt "$qm" ]; then
    .venv/bin/pyside6-lrelease -silent "$ts" -qm "$qm"
  fi
done

# Bytecode for Kyso's own modules, as an installed package has it. Without it
# every start compiles them again when PYTHONDONTWRITEBYTECODE is set (as on
# some machines): about 80 ms of a 450 ms start. Only changed files are redone.
.venv/bin/python -m compileall -q -j 0 app >/dev/null

"""``python -m kyso.cli``: the same as the ``kyso`` command."""

import sys

from . import main

sys.exit(main())

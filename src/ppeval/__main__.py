"""``python -m ppeval``: the ``ppeval`` command (see :mod:`ppeval.cli`)."""

from __future__ import annotations

import sys

from ppeval.cli import main

if __name__ == "__main__":
    sys.exit(main())

"""``python -m crosswire.cli``: the same as the ``crosswire`` command."""

import sys

from crosswire.cli import main

sys.exit(main())

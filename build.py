"""Build the explainer: `python build.py` (see README.md for the other commands)."""
import os
import sys

from site_builder.cli import main

code = main()
# Everything is written, closed and reported by now. Freeing a large site's million
# objects one by one at interpreter exit takes about half a second and gains nothing,
# so flush what was printed and leave at once (issue 7).
sys.stdout.flush()
sys.stderr.flush()
os._exit(code)

"""Build the explainer: `python build.py` (see README.md for the other commands)."""
import sys

from site_builder.cli import main

sys.exit(main())

"""``python -m aithesis`` runs the command line."""

from aithesis.cli import main

main()

"""`python -m verify` runs the command-line interface."""

from verify.cli import main

main()

"""`python -m kinetrace` runs the CLI."""

from kinetrace.cli.app import main

main()

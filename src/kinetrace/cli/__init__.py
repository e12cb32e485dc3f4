"""Command-line adapter: the Typer app and one module per command group."""

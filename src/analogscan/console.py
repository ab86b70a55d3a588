"""The one form every command uses to name a problem on stderr: ``analogscan: error: …``."""

from __future__ import annotations

import click


def echo_error(message: object) -> None:
    """One stderr line for a file or usage problem (ReadError and friends already escape control characters)."""
    click.echo(f"analogscan: error: {message}", err=True)

"""The one error base class: a problem that ends a command with one stderr line and a given exit code.

Raised anywhere (rules that do not validate, a model trained with other rules, an unusable batch
root or executor, a broken technology-map file) and caught once, by the command group
(``signals.InterruptibleGroup``), which prints ``analogscan: error: <message>`` and exits with
``exit_code``.
"""

from __future__ import annotations

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2
EXIT_OUTPUT = 3  # an output could not be written (or must not be replaced): nothing written


class AnalogscanError(Exception):
    """A problem the user can fix (its message says how); the command ends with ``exit_code``."""

    exit_code = EXIT_USAGE

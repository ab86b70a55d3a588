"""Detection: rules, keyword net and classifier turn provision units into findings."""

from .settings import DetectorSettings

__all__ = ["DetectorSettings"]

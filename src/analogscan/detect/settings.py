"""What a Detector is built from: one picklable settings object, built by keyword everywhere."""

from __future__ import annotations

from dataclasses import dataclass

from .detector import Detector


@dataclass(frozen=True)
class DetectorSettings:
    """The detector options of ``scan``, ``batch`` and ``eval`` (picklable, so that worker processes
    can build their own Detector).

    - ``types``: report only these types (None: all eight);
    - ``min_score``: a filter on the decided findings — keep those scoring at least this;
    - ``use_model``: the trained classifier decides (else the rules alone);
    - ``high_recall``: the classifier's recall-first any-head threshold (review sweep);
    - ``typed_only``: no 種別要確認 findings (precision first).
    """

    types: tuple[str, ...] | None = None
    min_score: float | None = None
    use_model: bool = True
    high_recall: bool = False
    typed_only: bool = False

    def check(self) -> None:
        """Raise in the calling process what would fail in every worker: rules that do not validate
        (RuleError), a model that cannot be used or was trained with other rules (ModelError)."""
        from .classifier import load_default_model
        from .rules import load_rules

        load_rules()
        if self.use_model:
            load_default_model()

    def build(self) -> Detector:
        model = None
        if self.use_model:
            from .classifier import load_default_model

            model = load_default_model()
        return Detector(model=model, min_score=self.min_score, types=self.types, high_recall=self.high_recall,
                        typed_only=self.typed_only)

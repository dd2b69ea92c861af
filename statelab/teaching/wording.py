"""Numbers and lists in plain words, shared by the verdicts."""

from __future__ import annotations

import numpy as np


def spread(values: list[float], percent: bool) -> str:
    """ "97 %" for one value, "95–99 % (mean 97 %, 3 seeds)" for several; errors as plain numbers."""

    def text(value: float) -> str:
        return f"{value * 100:.0f} %" if percent else f"{value:.3f}"

    if len(values) == 1:
        return text(values[0])
    if text(min(values)) == text(max(values)):
        return f"{text(values[0])} on all {len(values)} seeds"
    low, high = text(min(values)).removesuffix(" %"), text(max(values))
    return f"{low}–{high} (mean {text(float(np.mean(values)))}, {len(values)} seeds)"


def listed(items: list, word: str = "and") -> str:
    """ "3", "0 and 2", "0, 1 and 2" (or another joining word)."""
    names = [str(item) for item in items]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {word} {names[-1]}"

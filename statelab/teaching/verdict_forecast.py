"""The verdict of a regression run: errors against always predicting the mean and, for forecasts, against
persistence and the seasonal naive forecast, each named with its number."""

from __future__ import annotations

import numpy as np

from statelab.engine.results import LabResult
from statelab.teaching.judges import beats, compare, guess_level, models, persistence_level
from statelab.teaching.wording import listed, spread

SHORT_HELD_OUT = 200  # fewer held-out values of a real series than this: the scores are rough


def regression_verdict(results: list[LabResult]) -> str:
    """Errors against the mean and, for forecasts, against persistence and the seasonal naive forecast;
    a warning if little is held out."""
    stateful, stateless = models(results)
    head = (
        "Mean squared error: "
        f"stateful {spread([r.stateful.score for r in results], False)}, "
        f"stateless {spread([r.stateless.score for r in results], False)}"
    )
    mean = f"always predicting the mean ({guess_level(results):.3f})"
    best = min(stateful, stateless)
    forecasts = _forecast_baselines(results)
    unbeaten = [long for (_, long), value in forecasts.items() if not beats(best, value, "error")]
    if not beats(best, guess_level(results), "error"):
        cause = (
            "What they learned does not carry over to the later part of the series."
            if forecasts
            else "The targets are noise."
        )
        story = f"no better than {mean}. {cause}"
    elif unbeaten:
        better = "stateful" if stateful <= stateless else "stateless"
        who = (
            "both beat"
            if beats(max(stateful, stateless), guess_level(results), "error")
            else f"only the {better} model beats"
        )
        story = (
            f"{who} {mean}, but neither clearly beats {listed(unbeaten, 'or')}: {_unbeaten_reason(unbeaten)}"
        )
    else:
        baselines = listed([mean, *(short for short, _ in forecasts)])
        levels = [guess_level(results), *forecasts.values()]
        if all(beats(max(stateful, stateless), level, "error") for level in levels):
            story = _forecast_comparison(stateful, stateless, baselines)
        else:
            better, worse = ("stateful", "stateless") if stateful <= stateless else ("stateless", "stateful")
            story = f"only the {better} model is better than {baselines}; the {worse} one is not."
    return f"{head}: {story}{_short_warning(results)}"


def _forecast_baselines(results: list[LabResult]) -> dict[tuple[str, str], float]:
    """A run's forecast baselines, (short name, long name) -> error: persistence, and the seasonal naive
    forecast where the series has a known season (none for other tasks)."""
    baselines = {}
    persistence = persistence_level(results)
    if np.isfinite(persistence):
        names = (
            f"persistence ({persistence:.3f})",
            f"persistence, next value = this value ({persistence:.3f})",
        )
        baselines[names] = persistence
    seasonal = float(np.mean([result.seasonal for result in results]))
    if np.isfinite(seasonal):
        earlier = f"the value one season ({results[0].period} steps) earlier"
        names = (
            f"the seasonal naive forecast ({seasonal:.3f})",
            f"the seasonal naive forecast, {earlier} ({seasonal:.3f})",
        )
        baselines[names] = seasonal
    return baselines


def _unbeaten_reason(unbeaten: list[str]) -> str:
    """What it means that a forecast baseline was not beaten."""
    if unbeaten[0].startswith("persistence"):
        return "here they learned no more than the last value tells."
    return "the season repeats better than they forecast it."


def _forecast_comparison(stateful: float, stateless: float, baselines: str) -> str:
    """Which model forecast better, once at least one beat every baseline."""
    outcome = compare(stateful, stateless, "error")
    if outcome == "equal":
        return f"better than {baselines}, and about equally good."
    better, worse = (stateful, stateless) if outcome == "stateful" else (stateless, stateful)
    return f"better than {baselines}; {outcome} is {worse / better:.1f}x more accurate here."


def _short_warning(results: list[LabResult]) -> str:
    """A warning when the held-out part of a real series is small."""
    values = results[0].held_out_values
    if not 0 < values < SHORT_HELD_OUT:
        return ""
    return (
        f" Only the last {values} values of the series are held out for scoring: with so few, these "
        "figures can change a lot with another seed or a longer series."
    )

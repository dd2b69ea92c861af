"""Live demos that need TensorFlow, by name, so worker processes can run them for the pages."""

from __future__ import annotations

from collections.abc import Callable

from statelab.engine.forecasting import one_step_forecast
from statelab.engine.gradients import gradient_across_boundary
from statelab.engine.sliding import sliding_windows
from statelab.teaching import keras_facts, keras_facts_practice, keras_facts_resets

# A demo whose value changes shape gets a new name: cached values are stored under the name.
DEMOS: dict[str, Callable[..., object]] = {
    "gradient_boundary": gradient_across_boundary,
    "batch_size_declaration": keras_facts.batch_size_declaration,
    "reset_layers": keras_facts_resets.reset_layers,
    "state_per_row": keras_facts.state_per_row,
    "state_across_epochs": keras_facts_resets.state_across_epochs,
    "validation_state": keras_facts_resets.validation_state,
    "predict_groups": keras_facts_resets.predict_groups,
    "predict_advances_state": keras_facts.predict_advances_state,
    "predict_one_sample": keras_facts.predict_one_sample,
    "partial_batch": keras_facts.partial_batch,
    "state_not_saved": keras_facts.state_not_saved,
    "fit_orders": keras_facts.fit_orders,
    "article_idioms": keras_facts.article_idioms,
}
PRACTICE_DEMOS: dict[str, Callable[..., object]] = {  # lessons 9-11 (tests/test_practice.py)
    "default_batch_size": keras_facts_practice.default_batch_size,
    "window_carry": keras_facts_practice.window_carry,
    "copy_into_single_stream": keras_facts_practice.copy_into_single_stream,
    "stacked_resets": keras_facts_practice.stacked_resets,
    "sliding_windows": sliding_windows,
    "one_step_forecast": one_step_forecast,
}
DEMOS.update(PRACTICE_DEMOS)


def run_demo(name: str, **kwargs) -> object:
    """Run a named demo; its value must be picklable (NumPy arrays, numbers, strings)."""
    if name not in DEMOS:
        raise ValueError(f"Unknown demo {name!r}: choose one of {', '.join(DEMOS)}.")
    return DEMOS[name](**kwargs)

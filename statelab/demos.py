"""Live demos that need TensorFlow, by name, so worker processes can run them for the pages."""

from __future__ import annotations

from collections.abc import Callable

from statelab import keras_facts
from statelab.gradients import gradient_across_boundary

DEMOS: dict[str, Callable[..., object]] = {
    "gradient_boundary": gradient_across_boundary,
    "batch_size_declaration": keras_facts.batch_size_declaration,
    "reset_api": keras_facts.reset_api,
    "state_per_row": keras_facts.state_per_row,
    "state_across_epochs": keras_facts.state_across_epochs,
    "predict_advances_state": keras_facts.predict_advances_state,
    "other_batch_size": keras_facts.other_batch_size,
    "partial_batch": keras_facts.partial_batch,
    "state_not_saved": keras_facts.state_not_saved,
    "fit_order": keras_facts.fit_order,
    "article_idioms": keras_facts.article_idioms,
}


def run_demo(name: str, **kwargs) -> object:
    """Run a named demo; its value must be picklable (NumPy arrays, numbers, strings)."""
    if name not in DEMOS:
        raise ValueError(f"Unknown demo {name!r}: choose one of {', '.join(DEMOS)}.")
    return DEMOS[name](**kwargs)

"""Live demos that need TensorFlow, by name, so worker processes can run them for the pages."""

from __future__ import annotations

from collections.abc import Callable

from statelab.gradients import gradient_across_boundary

DEMOS: dict[str, Callable[..., object]] = {
    "gradient_boundary": gradient_across_boundary,
}


def run_demo(name: str, **kwargs) -> object:
    """Run a named demo; its value must be picklable (NumPy arrays, numbers, strings)."""
    if name not in DEMOS:
        raise ValueError(f"Unknown demo {name!r}: choose one of {', '.join(DEMOS)}.")
    return DEMOS[name](**kwargs)

"""Stateful LSTM Lab core: tasks, batch layout, Keras 3 models, training and tracing. No UI.

Importing `statelab` is cheap: TensorFlow loads only when a training name is first used.
"""

from statelab.engine.config import RESET_POLICIES, ConfigError, LabConfig
from statelab.engine.layout import BatchLayout, batch_layout
from statelab.engine.results import LabResult, ModelResult, StateTrace
from statelab.engine.tasks import TASKS

_TRAINING_NAMES = {"run_lab", "run_model", "trace_states", "Progress"}

__all__ = [
    "RESET_POLICIES",
    "TASKS",
    "BatchLayout",
    "ConfigError",
    "LabConfig",
    "LabResult",
    "ModelResult",
    "StateTrace",
    "batch_layout",
    *sorted(_TRAINING_NAMES),
]


def __getattr__(name: str):
    """Load the TensorFlow-backed names on first use."""
    if name in _TRAINING_NAMES:
        from statelab.engine import training

        return getattr(training, name)
    raise AttributeError(f"module 'statelab' has no attribute {name!r}")

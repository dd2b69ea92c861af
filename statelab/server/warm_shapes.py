"""Warm workers: the compiled programs of the Lab form's common values, ready before a learner asks.

A new worker compiles the default run's shapes before it takes a job. A learner explores from the
default run one setting at a time, mostly with the number inputs' +/- buttons (one up or down) or
a round value. A worker that has no job compiles those shapes in its own process, one at a time,
checking for a job between two (a waiting job is never held up by more than one shape). A
program some other process compiled is loaded from disk instead (statelab.engine.compile_cache), and
each worker starts at its own place in the list, so two fresh workers share the compiling.
Settings that change no shape (seed, epochs, learning rate, shuffle, reset, up to 128 batches)
need nothing: they reuse the default run's programs. Another recurrent layer is another model: its
programs are compiled like another shape's.
"""

from __future__ import annotations

import queue
from collections.abc import Callable
from dataclasses import replace

from statelab.engine.config import LabConfig

PARENT_CHECK_SECONDS = 2.0  # how often an idle worker checks that its server still lives

COMMON_CHANGES: tuple[dict, ...] = (  # one setting changed from the default, the most likely first
    {"batch_size": 17},
    {"batch_size": 15},
    {"timesteps": 11},
    {"timesteps": 9},
    {"units": 33},
    {"units": 31},
    {"layer": "gru"},  # lesson 13 asks for the other layers
    {"layer": "simple_rnn"},
    {"batch_size": 8},
    {"batch_size": 32},
    {"timesteps": 5},
    {"timesteps": 20},
    {"units": 16},
    {"units": 64},
)


def common_configs() -> list[LabConfig]:
    """The default run, then each common change of the form."""
    return [LabConfig(), *(replace(LabConfig(), **changes) for changes in COMMON_CHANGES)]


def compile_config(config: LabConfig) -> None:
    """Compile (or load from disk) the programs both models of a config run."""
    from statelab.engine import compile_cache
    from statelab.engine.compiled import Shape, engine_for
    from statelab.engine.tasks import task_spec

    spec = task_spec(config.task, config.series)
    for mode in ("stateful", "stateless"):
        engine_for(spec, Shape.of(spec, config, mode)).compile()
    compile_cache.sync()  # for the other workers


def warm_up_steps(start: int = 0) -> list[Callable[[], None]]:
    """The default run's shapes first, then the common changes from `start` on (wrapping around)."""
    configs = common_configs()
    changes = configs[1:]
    start %= len(changes)
    return [
        lambda config=config: compile_config(config)
        for config in [configs[0], *changes[start:], *changes[:start]]
    ]


def next_job(inbox, pending: list[Callable[[], None]], orphaned: Callable[[], bool] = lambda: False):
    """The next job from a worker's inbox (None once `orphaned()`); while none waits, a warm-up step runs."""
    while pending:
        try:
            return inbox.get_nowait()
        except queue.Empty:
            pending.pop(0)()
    while not orphaned():
        try:
            return inbox.get(timeout=PARENT_CHECK_SECONDS)
        except queue.Empty:
            continue
    return None

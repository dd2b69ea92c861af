"""Lesson 4: resets. Live: state across the epoch boundary, the reset API, a skipped reset's cost."""

import streamlit as st

from statelab.charts import BROKEN_COLOR, STATEFUL_COLOR
from statelab.config import LabConfig
from statelab.continuity_charts import plot_state_trace
from statelab.jobs import demo_job
from statelab.lesson_charts import plot_epoch_boundary, plot_runs_by_window
from ui.demos import captured_caption, render_captured, render_demo, render_figure, seed_runs, stacked
from ui.lessons import Check, lesson_config, render_lesson

EPOCHS = demo_job("state_across_epochs", epochs=3)
RESET_API = demo_job("reset_api")
POLICIES = {
    "reset at every stream start": lesson_config(LabConfig(task="running_total", reset="sequence")),
    "reset only at epoch end": lesson_config(LabConfig(task="running_total", reset="epoch")),
}
RUNS, RUN_LABELS = seed_runs(POLICIES)


def judge_epochs(values: list) -> str:
    """What the state was at the start of epoch 2: zero, carried over, or something else."""
    begin, end = values[0]["epoch_begin"], values[0]["epoch_end"]
    if begin[1] == 0.0:
        return "zero"
    return "carried" if abs(begin[1] - end[0]) <= 1e-6 else "other"


def show_epochs(values: list) -> None:
    """‖h‖ at the start and end of every epoch."""
    render_figure(plot_epoch_boundary(values[0]["epoch_begin"], values[0]["epoch_end"]))
    captured_caption()


def reset_api() -> None:
    """model.reset_states() against layer.reset_state(), on this Keras."""
    value = render_demo(RESET_API)
    if value is None:
        return
    render_captured("model.reset_states()  # a Functional model", value["functional_reset_states"])
    render_captured("model.reset_states()  # a Sequential model", value["sequential_reset_states"])
    st.markdown(
        f"The Keras 3 way, `layer.reset_state()` on the LSTM layer: ‖h‖ went from "
        f"**{value['norm_before_reset']:.4f}** to **{value['norm_after_layer_reset']:.4f}**. For every "
        "stateful layer of a model:"
    )
    st.code(
        'for layer in model.layers:\n    if getattr(layer, "stateful", False):\n        layer.reset_state()',
        language="python",
    )
    captured_caption()


def judge_policies(results: list) -> str:
    """First-window accuracy without resets at stream starts, against with them, over the seeds."""
    runs = stacked(results, POLICIES)
    gap = (
        runs["reset at every stream start"]["stateful"][:, 0]
        - runs["reset only at epoch end"]["stateful"][:, 0]
    )
    if gap.mean() >= 0.08:
        return "worse"
    return "better" if gap.mean() <= -0.08 else "same"


def show_policies(results: list) -> None:
    """Accuracy by window under both policies, and the carried state entering each stream's first window."""
    runs = stacked(results, POLICIES)
    curves = {label: run["stateful"] for label, run in runs.items()}
    title = "Running total: stateful accuracy by window under two reset policies"
    chance = runs["reset at every stream start"]["chance"]
    render_figure(
        plot_runs_by_window(curves, results[0].metric, chance, title, [STATEFUL_COLOR, BROKEN_COLOR])
    )
    stale = results[len(results) // 2]  # "reset only at epoch end", first seed
    config = stale.config
    streams = [group * config.batch_size for group in range(min(3, config.eval_groups))]
    st.markdown(
        "The carried state of the *epoch-end* model while it reads held-out streams: only the first "
        "stream group starts from zero (✕); every later stream starts from the state the previous stream "
        "left behind (○ above zero)."
    )
    render_figure(plot_state_trace(stale.stateful.trace, streams=streams))


if __name__ == "__main__":  # Streamlit runs a page as __main__; ui.warm_up imports it for its works
    render_lesson(
        4,
        demos={"reset_api": reset_api},
        checks={
            "epoch_boundary": Check([EPOCHS], judge_epochs, show_epochs),
            "epoch_reset": Check(RUNS, judge_policies, show_policies, labels=RUN_LABELS),
        },
    )

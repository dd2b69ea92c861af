"""The Lab's continuity views: batch layout, carried state, step-through, gradient boundary."""

from __future__ import annotations

import numpy as np
import streamlit as st

from statelab.charts import continuity as continuity_charts
from statelab.charts import lab as charts
from statelab.engine.config import LAYERS
from statelab.engine.data import make_lab_data
from statelab.engine.layout import batch_layout, evaluation_layout
from statelab.engine.results import LabResult
from statelab.engine.work import demo_job
from ui.figures import render_figure
from ui.live_results import await_results
from ui.runs import job_pool

GRADIENT_ASKED = "gradient_asked"  # the learner asked for the gradient view in this session
CONTINUITY_TAB = "continuity_tab"  # the open continuity view
STATELESS_SHOWN = "stateless_windows_shown"  # "What a stateless model sees", opened


def render_continuity(result: LabResult) -> None:
    """Tabs with every continuity view of one run (the first seed's)."""
    layout = batch_layout(result.config)
    st.metric(
        "Continuity score (training)",
        f"{layout.continuity_score:.0%}",
        help="Share of batch rows whose incoming state is their own stream's previous window "
        "(or a fresh zero state at a stream's start). 100 % is correct.",
    )
    views = {
        "Batch layout": lambda: render_layout(result, layout),
        "Carried state": lambda: (render_trace(result), render_row_trace(result, layout)),
        "Step through": lambda: render_step_through(result),
        "Gradient boundary": render_gradient_boundary,
    }
    # Only the open tab's view is drawn (a tab switch reruns the page): every chart of the hidden tabs
    # cost the browser as much again when the Lab opened.
    for tab, render in zip(
        st.tabs(list(views), key=CONTINUITY_TAB, on_change="rerun"), views.values(), strict=True
    ):
        if tab.open:
            with tab:
                render()


def render_layout(result: LabResult, layout) -> None:
    """The training layout, epoch by epoch, and what a stateless model sees."""
    config = result.config
    epoch = 1
    if config.epochs > 1:
        epoch = st.slider(
            "Epoch",
            1,
            config.epochs,
            1,
            key="layout_epoch",
            help="With shuffle on, every epoch has a different layout.",
        )
    render_figure(continuity_charts.plot_layout(layout, epoch=epoch - 1))
    stateless = st.expander("What a stateless model sees", key=STATELESS_SHOWN, on_change="rerun")
    if stateless.open:
        with stateless:
            render_figure(continuity_charts.plot_stateless_windows(config.n_windows, config.batch_size))


def render_trace(result: LabResult) -> None:
    """‖h‖ (or an LSTM's ‖c‖) of a few held-out streams, step by step, resets marked."""
    trace = result.stateful.trace
    quantities = ["h"] if trace.c is None else ["h", "c"]  # every state tensor the layer keeps
    quantity = st.radio(
        f"Show (the {LAYERS[result.config.layer]} keeps {len(quantities)} state tensor"
        + ("s)" if len(quantities) > 1 else ")"),
        quantities,
        horizontal=True,
        key=f"trace_quantity_{len(quantities)}",  # a run with one state tensor never keeps a stale "c"
        format_func=lambda q: f"‖{q}‖ ({'hidden state' if q == 'h' else 'cell state'})",
    )
    n_streams = trace.h.shape[0]
    batch_size = result.config.batch_size
    default = [0, 1] + ([batch_size] if n_streams > batch_size else [])
    picked = st.multiselect(
        "Held-out streams",
        list(range(n_streams)),
        default=default,
        key="trace_streams",
        max_selections=6,
        help=f"Streams {batch_size} and up are in the next stream group.",
    )
    if picked:
        render_figure(continuity_charts.plot_state_trace(trace, streams=picked, quantity=quantity))
    st.caption(
        "Under reset='never' the first window of the second group starts from the previous group's "
        "state instead of zero; under 'sequence' every stream starts at zero."
    )


def render_row_trace(result: LabResult, layout) -> None:
    """One batch row through the last training epoch: with shuffle on, its state jumps between streams."""
    entering = result.stateful.trace.train_entering_h
    if entering is None:
        return
    row = st.slider("Batch row during training", 0, result.config.batch_size - 1, 0, key="train_row")
    render_figure(continuity_charts.plot_row_trace(layout, entering, row=row))


def render_step_through(result: LabResult) -> None:
    """A slider over the evaluation batches: the batch in the layout, one row's window, state in and out."""
    config, trace = result.config, result.stateful.trace
    n_batches = config.eval_groups * config.n_windows
    batch = st.slider("Evaluation batch", 0, n_batches - 1, 0, key="step_batch")
    row = st.slider("Batch row", 0, config.batch_size - 1, 0, key="step_row")
    render_figure(
        continuity_charts.plot_layout(evaluation_layout(config), highlight=batch, phase="evaluation")
    )
    group, window = divmod(batch, config.n_windows)
    stream = group * config.batch_size + row
    inputs = make_lab_data(config).eval_x[stream, window]
    title = f"Batch {batch}, row {row}: stream {stream}, window {window + 1}"
    render_figure(
        charts.plot_window_step(inputs, trace.h[stream, window], trace.incoming_h[stream, window], title)
    )
    left, middle, right = st.columns(3)
    left.metric(
        "‖h‖ going in",
        f"{np.linalg.norm(trace.incoming_h[stream, window]):.3f}",
        help="Zero after a reset; otherwise what the previous batch left in this row.",
    )
    middle.metric("‖h‖ coming out", f"{np.linalg.norm(trace.h[stream, window, -1]):.3f}")
    prediction, target = result.stateful.predictions[stream, window], result.stateful.targets[stream, window]
    right.metric("Prediction / truth", f"{np.mean(prediction):.2f} / {np.mean(target):.2f}")


def _ask_for_gradients() -> None:
    st.session_state[GRADIENT_ASKED] = True


def render_gradient_boundary() -> None:
    """Computed in a worker: the gradient of window k+1's loss on window k's inputs, carried vs joined."""
    job = demo_job("gradient_boundary")
    if not (job_pool().cache.has(job) or st.session_state.get(GRADIENT_ASKED)):
        st.button(
            "Compute the gradients (a few seconds)",
            key="gradient_go",
            on_click=_ask_for_gradients,
        )
        st.caption(
            "Does the loss of window k+1 send a gradient back into the inputs of window k, the batch "
            "before? Lesson 7 asks you to predict it first."
        )
        return
    values = await_results([job])  # progress until the worker is done, never a blocking wait
    if values is None:
        return
    result = values[0]
    render_figure(continuity_charts.plot_gradient_boundary(result))
    st.caption(continuity_charts.gradient_boundary_note(result))

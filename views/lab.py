"""The Lab: train a stateful and a stateless LSTM side by side and compare them."""

import streamlit as st

from ui import lab_form, lab_results
from ui.continuity import render_continuity
from ui.export import render_code_export
from ui.lab_presets import render_answer, render_preset_buttons, render_question
from ui.lab_state import Run, await_run, lab_state, open_lab, remember_controls
from ui.learner import render_where_progress_lives
from ui.own_series import render_forecast_link, render_upload
from ui.runs import run_ahead
from ui.unsaved import render_unsaved

st.title("The Lab: stateful vs stateless")
st.caption("Pick a preset or your own settings; both models train from the same initial weights.")
state = open_lab()
unsaved_note = st.container()  # filled at the end: whether the learner's records could be saved
for note in state.url_notes:
    st.warning(note)
state.url_notes = []
render_preset_buttons()
# The open preset's question, right under the presets at every width; None until it is answered.
box = render_question(state) if state.question else None


@st.fragment
def settings_column() -> None:
    """Train and the number of seeds on top, then every setting; an edit reruns only this column."""
    state = lab_state()
    config, n_seeds, problems = lab_form.read_form()
    remember_controls(config, n_seeds)  # edits not yet trained and an uploaded series survive a reload
    if config is not None and not problems and not state.question:  # a preset's run waits for the prediction
        run_ahead(Run(config, n_seeds).configs)  # an idle worker trains the edited settings before Train
    pressed = st.button(
        "Train both models", key="train", type="primary", icon=":material/play_arrow:", width="stretch"
    )
    refusal = st.empty()  # always there, so the controls below keep their places
    if pressed and not problems:
        state.train(config, n_seeds)
        st.rerun()
    if pressed:
        refusal.error(
            "These settings cannot work: see the notes beside the controls.", icon=":material/warning:"
        )
    st.slider(
        "Seeds (show the spread over 1-5 seeds)", 1, lab_form.MAX_SEEDS, key=lab_form.widget_key("n_seeds")
    )
    lab_form.render_untrained_changes(config, n_seeds, state)
    lab_form.render_controls(lab_form.collect_notes(config, problems))
    render_upload()


def result_column() -> None:
    """The run's progress or results (the answer to a preset's question in its box), the learner's runs."""
    results = None if state.question and box is None else await_run(state)
    if state.run_error:  # after the wait: a run that fails while the page looks says so in this run
        st.error(f"The run did not finish: {state.run_error}")
    if results:
        if state.question and state.shown.preset == state.question:
            with box:
                render_answer(state, results)
        with st.container(key=state.shown.element_key):  # tests find the results of one run by it
            lab_results.render_verdict(results)
            lab_results.render_charts(results)
            render_forecast_link(results[0].config)
            st.subheader("State continuity: where each row's state comes from")
            render_continuity(results[0])
            st.caption(
                "Link to this run, to share: whoever opens it sees this run; your answers and runs stay "
                "with your browser"
            )
            st.code(
                lab_form.share_link(state.shown.config, state.shown.n_seeds, state.shown.preset),
                language=None,
            )
            st.subheader("Keras 3 code for these settings")
            render_code_export(results[0].config)
    elif not (state.pending or state.question):
        st.info("Press **Train both models**, or pick a preset above.")
    st.subheader("Your runs")
    render_where_progress_lives()
    lab_results.render_history(state.history)


form_column, results_column = st.columns([1, 2.3], gap="large")
with form_column:
    settings_column()
with results_column:
    result_column()
render_unsaved(unsaved_note)

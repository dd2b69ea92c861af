"""The Lab: train a stateful and a stateless LSTM side by side and compare them."""

import streamlit as st

from statelab.presets import PRESETS
from ui import results as shown
from ui import settings
from ui.continuity import render_continuity
from ui.export import render_code_export
from ui.own_series import render_upload
from ui.runs import cached_results, render_progress, seed_configs

st.title("The Lab: stateful vs stateless")
st.caption("Pick settings or a preset, train both models from the same initial weights, and compare.")
settings.init_from_url()
for note in st.session_state.pop("url_notes", []):
    st.warning(note)


def start(config, n_seeds: int) -> None:
    """Queue a run of `n_seeds` seeds and remember it as this session's pending run."""
    st.session_state["pending"] = {"config": config, "n_seeds": n_seeds}
    st.session_state.pop("problems", None)
    st.session_state.pop("run_error", None)
    settings.write_url(config, n_seeds)


def apply_preset(preset_id: str) -> None:
    """Load a preset into the form and run it."""
    preset = PRESETS[preset_id]
    config = preset.config()
    n_seeds = st.session_state.get(settings.widget_key("n_seeds"), 1)
    settings.load_config(config, n_seeds)
    st.session_state["expectation"] = (preset.title, preset.expectation)
    start(config, n_seeds)


with st.expander("Presets: predict, then run", expanded=True):
    columns = st.columns(4)
    for index, preset in enumerate(PRESETS.values()):
        columns[index % 4].button(
            preset.title,
            key=f"preset_{preset.id}",
            help=preset.expectation,
            on_click=apply_preset,
            args=(preset.id,),
            width="stretch",
        )
    if st.button(
        "Break it: predict with another batch size (a live Keras demo and its fix, in lesson 5)",
        key="lesson_5_link",
        icon=":material/school:",
        type="tertiary",
    ):
        st.switch_page("views/lesson_5.py")

form_column, result_column = st.columns([1, 2.3], gap="large")
with form_column:
    render_upload()
    if settings.render_form(st.session_state.get("problems", [])):
        config, n_seeds, problems = settings.read_form()
        st.session_state.pop("expectation", None)
        if problems:
            st.session_state["problems"] = problems
            st.rerun()
        start(config, n_seeds)
        st.rerun()

with result_column:
    if "expectation" in st.session_state:
        title, text = st.session_state["expectation"]
        st.markdown(f"**{title}. Predict first:** {text}")
    if st.session_state.get("problems"):
        st.error("These settings cannot work: see the notes beside the controls.", icon=":material/warning:")
    if "run_error" in st.session_state:
        st.error(f"The run did not finish: {st.session_state['run_error']}")
    pending = st.session_state.get("pending")
    if pending:
        configs = seed_configs(pending["config"], pending["n_seeds"])
        results = cached_results(configs)
        if results is None:
            render_progress(configs)
        else:
            st.session_state.pop("pending")
            st.session_state["shown"] = configs
            st.session_state.setdefault("history", []).append(shown.history_row(results))
    if "shown" in st.session_state and not st.session_state.get("pending"):
        results = cached_results(st.session_state["shown"])
        if results:
            shown.render_verdict(results)
            shown.render_charts(results)
            st.subheader("State continuity: where each row's state comes from")
            render_continuity(results[0])
            st.subheader("Keras 3 code for these settings")
            render_code_export(results[0].config)
    elif not pending:
        st.info("Press **Train both models**, or pick a preset above.")
    st.subheader("Your runs")
    shown.render_history(st.session_state.get("history", []))

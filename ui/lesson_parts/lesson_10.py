"""How lesson 10's demos and checks are drawn: copying weights and stepping, continuing a trained stream
from its state row, the CO2 forecast over seeds, and the same recipe on the learner's uploaded series."""

import streamlit as st

from statelab.charts.practice_figures import plot_forecast
from statelab.engine.storage import SERIES_ID, stored_series_length
from statelab.engine.work import demo_job
from statelab.teaching.lessons.lesson_10 import SMALL_FORECAST, forecast_outcome, mean_comparison
from ui.lab_memory import learner_series
from ui.live_results import await_results, captured_caption, render_figure, session_scale

SERIES_PARAM = "series"  # the Lab's own-series result links here with its series id


def show_copy(values: list) -> None:
    """Whether the copy worked and how far the stepped output is from the one-call outputs."""
    value = values[0]
    copied = "accepted" if value["copied"]["ok"] else f"refused: {value['copied']['message']}"
    st.markdown(
        f"- `single.set_weights(stateless.get_weights())`: **{copied}** (input shape "
        f"{value['single_input_shape']}).\n"
        f"- Last output after 20 one-step calls against the stateless model on the whole history: largest "
        f"difference **{value['stepwise_vs_stateless']:.3g}**.\n"
        f"- The stateful copy on the whole history in one call against the stateless model: "
        f"**{value['stateless_vs_stateful_one_call']:.3g}**."
    )
    captured_caption()


def row_copy(values: list) -> None:
    """The batch-1 model continuing row 2 of a batch-4 model from its copied state."""
    value = values[0]
    st.success(
        f"After two windows of 4 streams, row {value['row']}'s state was copied into the one-stream model. "
        f"On the next window of stream {value['row']} the two models differ by at most "
        f"**{value['row_continued']:.3g}**.",
        icon=":material/check_circle:",
    )
    captured_caption()


def show_forecast(values: list, title: str = "CO2: 26 weeks, each forecast fed back") -> None:
    """The forecast from one chosen start, and every seed's error beside persistence and the mean."""
    value = values[0]
    origins = list(value["origins"])
    key = f"lesson10_origin_{title.split(':')[0]}"
    origin = st.select_slider("Forecast start (step of the series)", origins, origins[-1], key=key)
    index = origins.index(origin)
    figure = plot_forecast(
        value["values"],
        origin,
        value["sizes"]["warm_up"],
        value["forecasts"][:, index],
        value["truth"][index],
        title,
        None if value["seasonal"] is None else value["seasonal"][index],
    )
    render_figure(figure)
    errors = ", ".join(f"{error:.2f}" for error in value["model_error"])
    st.markdown(
        f"Mean squared error over the {value['sizes']['horizon']} steps from all {len(origins)} starts, "
        f"seeds {', '.join(map(str, value['seeds']))}: **forecast {errors}**; persistence "
        f"**{value['persistence_error']:.2f}**; always the training part's mean "
        f"**{value['mean_error']:.2f}**{seasonal_text(value)}. "
        f"Trained on steps 0–{value['train_stop'] - 1} only; the starts are in the held-out part from step "
        f"{value['held_out_start']}."
    )


def seasonal_text(value: dict) -> str:
    """ "; the same point one season (52 steps) earlier **0.14**", or nothing without a season."""
    if not value["period"]:
        return ""
    return f"; the same point one season ({value['period']} steps) earlier **{value['seasonal_error']:.2f}**"


def uploaded_series() -> str:
    """The series the link names, if stored on this server; else the one this learner uploaded in the Lab."""
    series = st.query_params.get(SERIES_PARAM, "")
    return series if SERIES_ID.match(series) and stored_series_length(series) else learner_series()[0]


def own_series() -> None:
    """The same recipe on the learner's uploaded series, when the Lab linked here with one."""
    series = uploaded_series()
    st.markdown("### Your own series")
    if not series:
        st.info(
            "Upload a CSV in the Lab (**Your own series**): this demo then runs the same recipe on your "
            "series.",
            icon=":material/upload_file:",
        )
        st.page_link("views/lab.py", label="Open the Lab", icon=":material/science:")
        return
    length = stored_series_length(series)
    steps = max(2, min(26, length // 10))  # windows and horizon scaled to a short series
    full = demo_job("one_step_forecast", series=series, timesteps=steps, horizon=steps)
    work = session_scale().job(full, SMALL_FORECAST)
    values = await_results([work])
    if values is not None:
        show_forecast(values, f"Your series: {steps} steps, each forecast fed back")
        st.markdown(f"On your series: {forecast_outcome(values[0])} {mean_comparison(values[0])}")


PARTS = {
    "copy_weights": show_copy,
    "row_copy": row_copy,
    "co2_forecast": show_forecast,
    "own_series": own_series,
}

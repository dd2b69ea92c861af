"""How lesson 8's checks are drawn: the saved state (the control task's check is a plain comparison)."""

import streamlit as st

from ui.live_results import captured_caption


def show_saved(values: list) -> None:
    """The state's size before saving and after loading, and what get_weights() holds."""
    value = values[0]
    before, after = st.columns(2)
    before.metric("‖h‖ when saved", f"{value['norm_before_save']:.4f}")
    after.metric("‖h‖ after loading", f"{value['norm_after_load']:.4f}")
    weights = ", ".join(
        f"`{name}` {shape}" for name, shape in zip(value["weights"], value["weight_shapes"], strict=True)
    )
    among = "yes" if value["state_in_weights"] else "no"
    st.markdown(f"`get_weights()` holds {weights}. Is the state among them? **{among}**.")
    captured_caption()


PARTS = {"saved": show_saved}

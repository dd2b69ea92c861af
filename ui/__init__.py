"""Streamlit-only helpers shared by the pages (the core, `statelab`, has no UI)."""

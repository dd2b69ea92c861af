"""What the app adds to Streamlit's look, on every page: CSS for what the theme options cannot reach."""

import streamlit as st

# Streamlit colours code tokens with fixed colours that are 2.3:1 to 3.9:1 on the code background
# (#fcfcfb): comments and punctuation #808495, booleans #21c354, strings #09ab3b, numbers #29b09d,
# operators #ed6f13, keywords and functions #1c83e1, properties #00a4d4, `important` #ff4b4b. WCAG AA
# asks 4.5:1. Each is replaced by a darker shade of its hue, 4.9:1 to 5.8:1 on the code background
# (4.5:1 or more on the sidebar's grey too); URLs (#6d3fc0, 6.6:1) keep theirs.
# Captions get their contrast from the theme's textColor instead (.streamlit/config.toml).
ACCESSIBLE_CSS = """<style>
.stCode .token.comment, .stCode .token.prolog, .stCode .token.doctype, .stCode .token.cdata,
.stCode .token.punctuation {color: #60636f;}
.stCode .token.boolean, .stCode .token.constant, .stCode .token.symbol {color: #157f3b;}
.stCode .token.string, .stCode .token.char, .stCode .token.attr-value {color: #0b7a2e;}
.stCode .token.number, .stCode .token.regex {color: #0f7a6b;}
.stCode .token.operator, .stCode .token.entity, .stCode .token.decorator,
.stCode .token.atrule {color: #b2500c;}
.stCode .token.keyword, .stCode .token.tag, .stCode .token.function, .stCode .token.class-name,
.stCode .token.selector {color: #1565c0;}
.stCode .token.attr-name, .stCode .token.property, .stCode .token.variable {color: #00739a;}
.stCode .token.important {color: #c62828;}
[class*="st-key-cookie_writer"] {display: none;}
</style>"""

# A code block whose lines are wider than the block scrolls sideways (wrapped Python loses its
# indentation); the keyboard reaches it once it is focusable (axe: scrollable-region-focusable), so a
# small script gives each such block a tab stop, and takes it back when the block fits again.
CODE_FOCUS_SCRIPT = """<script>
if (!window.statelabCodeFocus) {
  window.statelabCodeFocus = true;
  const mark = () => document.querySelectorAll(".stCode pre").forEach((block) => {
    const scrolls = block.scrollWidth > block.clientWidth || block.scrollHeight > block.clientHeight;
    if (scrolls && !block.hasAttribute("tabindex")) block.tabIndex = 0;
    if (!scrolls && block.hasAttribute("tabindex")) block.removeAttribute("tabindex");
  });
  new MutationObserver(mark).observe(document.body, {childList: true, subtree: true});
  window.addEventListener("resize", mark);
  mark();
}
</script>"""


def render_theme_css() -> None:
    """Add the app's CSS and the code blocks' keyboard script to the page (they take no room)."""
    st.html(ACCESSIBLE_CSS)
    st.html(CODE_FOCUS_SCRIPT, unsafe_allow_javascript=True)

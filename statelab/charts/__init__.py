"""Plotly figures, pure: numbers in, figure out.

Every figure of the app uses Plotly's "plotly_white" template, made the default here: a figure takes
the default template as it is made, without the validation and deep copy of the template that naming
it in `update_layout` costs (about 20 ms a figure, a tenth of a second for the Lab's results).
"""

import plotly.io as pio

pio.templates.default = "plotly_white"

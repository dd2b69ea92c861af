"""The engine: tasks, data, batch layout, models, the compiled training loop, scoring."""

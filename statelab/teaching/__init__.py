"""What the app teaches: the lessons (one object each), their judges and verdicts, presets, Keras facts."""

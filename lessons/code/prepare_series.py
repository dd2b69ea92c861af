"""Lay out one long series for a stateful LSTM: parallel streams, consecutive windows, stateful order."""

import numpy as np


def stateful_windows(series, batch_size, timesteps):
    """x and y for fit(..., batch_size=batch_size, shuffle=False): the series split into `batch_size`
    streams side by side, each cut into consecutive windows of `timesteps` steps (trimmed to a multiple).

    Batch k holds window k of every stream, stream i in row i, so each row's state flows into the next
    piece of the same stream. y is the next value at every step. Both have shape
    (windows * batch_size, timesteps, 1).
    """
    series = np.asarray(series, dtype="float32")
    stream_length = (len(series) - 1) // batch_size  # - 1: the last input still needs a next value
    windows = stream_length // timesteps
    if windows < 1:
        raise ValueError(
            f"{len(series)} values make {batch_size} streams of {stream_length} steps: too short for one "
            f"window of {timesteps}. Use a smaller batch_size or fewer timesteps."
        )
    used = windows * timesteps  # trimmed: the steps after the last whole window are dropped
    starts = np.arange(batch_size) * stream_length
    inputs = np.stack([series[start : start + used] for start in starts])
    targets = np.stack([series[start + 1 : start + used + 1] for start in starts])

    def in_stateful_order(streams):
        # (streams, windows, timesteps) -> (windows, streams, timesteps): batch k = window k of each stream
        return streams.reshape(batch_size, windows, timesteps).swapaxes(0, 1).reshape(-1, timesteps, 1)

    return in_stateful_order(inputs), in_stateful_order(targets)

"""Stateful batch layout, stateless windows, shuffling as `fit` does it, and continuity checks."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from statelab.engine.config import LabConfig


def make_windows(streams: np.ndarray, timesteps: int) -> np.ndarray:
    """Cut (streams, length, ...) into consecutive windows: (streams, windows, timesteps, ...)."""
    n_streams, length = streams.shape[:2]
    if timesteps < 1 or timesteps > length:
        raise ValueError(
            f"A window of {timesteps} steps does not fit in a stream of {length} steps: "
            f"pick timesteps between 1 and {length}."
        )
    n_windows = length // timesteps
    trimmed = streams[:, : n_windows * timesteps]
    return trimmed.reshape(n_streams, n_windows, timesteps, *streams.shape[2:])


def stateful_order(n_streams: int, n_windows: int, batch_size: int) -> tuple[np.ndarray, np.ndarray]:
    """(stream, window) of every sample in stateful fit order: batch k holds window k of a group's streams."""
    if n_streams % batch_size:
        lower = n_streams // batch_size * batch_size
        raise ValueError(
            f"{n_streams} streams is not a multiple of batch size {batch_size}: a stateful model "
            f"keeps one state per batch row, so use {lower or batch_size} or "
            f"{lower + batch_size} streams, or a batch size that divides {n_streams}."
        )
    n_groups = n_streams // batch_size
    group, window, row = np.meshgrid(
        np.arange(n_groups), np.arange(n_windows), np.arange(batch_size), indexing="ij"
    )
    return (group * batch_size + row).ravel(), window.ravel()


def shuffle_order(
    order: int | np.ndarray, shuffle: bool | str, batch_size: int, rng: np.random.Generator
) -> np.ndarray:
    """Sample indices for one epoch, permuted as `fit(shuffle=...)` does: all samples, or within batches."""
    indices = np.arange(order) if isinstance(order, int) else np.asarray(order)
    if shuffle is True:
        return rng.permutation(indices)
    if shuffle == "batch":
        batches = indices.reshape(-1, batch_size)
        return np.stack([rng.permutation(batch) for batch in batches]).ravel()
    return indices


def reset_mask(n_batches: int, n_windows: int, reset: str) -> np.ndarray:
    """True where the state is reset before a batch, for one pass (an epoch, or evaluation) under a policy."""
    mask = np.zeros(n_batches, dtype=bool)
    if reset == "batch":
        mask[:] = True
    elif reset == "sequence":
        mask[::n_windows] = True
    elif reset == "epoch":
        mask[0] = True
    elif reset != "never":
        raise ValueError(f"Unknown reset policy {reset!r}: use sequence, epoch, never or batch.")
    return mask


def continuity(stream: np.ndarray, window: np.ndarray, resets: np.ndarray) -> np.ndarray:
    """For (batches, rows) of stream and window ids and per-batch resets: is each row's incoming state right?

    A row's incoming state is right when it starts a stream (window 0) on a fresh state, or when it
    continues, with no reset between, the same stream's previous window in the same row of the
    previous batch.
    """
    fresh = resets[:, None] & (window == 0)
    previous_stream = np.roll(stream, 1, axis=0)
    previous_window = np.roll(window, 1, axis=0)
    carried = (
        ~resets[:, None]
        & (previous_stream == stream)
        & (previous_window == window - 1)
        & (np.arange(len(stream)) > 0)[:, None]
    )
    return fresh | carried


@dataclass(frozen=True)
class BatchLayout:
    """Which stream and window sits in every batch row, epoch by epoch, and whether state flows right."""

    stream: np.ndarray  # (epochs, batches, batch_size)
    window: np.ndarray  # (epochs, batches, batch_size)
    resets: np.ndarray  # (epochs, batches): reset before the batch
    continues: np.ndarray  # (epochs, batches, batch_size)

    @property
    def continuity_score(self) -> float:
        """Share of batch rows whose incoming state is their own stream's previous window (or fresh)."""
        return float(self.continues.mean())


def epoch_orders(config: LabConfig) -> list[np.ndarray]:
    """The sample indices fed in each epoch of training, shuffled as the config says."""
    rng = np.random.default_rng([config.seed, 3])  # its own stream: not the data's [seed, 1]
    samples = config.n_streams * config.n_windows
    return [shuffle_order(samples, config.shuffle, config.batch_size, rng) for _ in range(config.epochs)]


def training_resets(config: LabConfig) -> np.ndarray:
    """(epochs, batches) reset flags of training; the very first batch always starts from a zero state."""
    mask = reset_mask(config.batches_per_epoch, config.n_windows, config.reset)
    resets = np.tile(mask, (config.epochs, 1))
    resets[0, 0] = True
    return resets


def batch_layout(config: LabConfig) -> BatchLayout:
    """The training layout of a config: stream, window and continuity of every row of every batch."""
    streams, windows = stateful_order(config.n_streams, config.n_windows, config.batch_size)
    orders = np.stack(epoch_orders(config))
    shape = (config.epochs, config.batches_per_epoch, config.batch_size)
    stream, window = streams[orders].reshape(shape), windows[orders].reshape(shape)
    resets = training_resets(config)
    flat = (config.epochs * config.batches_per_epoch, config.batch_size)
    continues = continuity(stream.reshape(flat), window.reshape(flat), resets.ravel())
    return BatchLayout(stream, window, resets, continues.reshape(shape))


def evaluation_layout(config: LabConfig) -> BatchLayout:
    """The held-out pass as one "epoch": groups in order, resets as the policy applies them."""
    streams, windows = stateful_order(
        config.eval_groups * config.batch_size, config.n_windows, config.batch_size
    )
    shape = (1, config.eval_groups * config.n_windows, config.batch_size)
    resets = reset_mask(shape[1], config.n_windows, config.reset)[None]
    stream, window = streams.reshape(shape), windows.reshape(shape)
    continues = continuity(stream[0], window[0], resets[0])[None]
    return BatchLayout(stream, window, resets, continues)


def fit_order_layout(order: np.ndarray) -> BatchLayout:
    """The layout of one epoch from the sample ids fit fed, (batches, rows), samples in stateful order.

    Sample j of a stateful layout is window j // rows of stream j % rows; the state starts at zero.
    """
    order = np.asarray(order)
    if order.ndim != 2 or sorted(order.ravel().tolist()) != list(range(order.size)):
        raise ValueError("order must be (batches, rows) holding every sample id 0 .. n-1 exactly once.")
    rows = order.shape[1]
    stream, window = order % rows, order // rows
    resets = np.zeros(order.shape[0], dtype=bool)
    resets[0] = True
    continues = continuity(stream, window, resets)
    return BatchLayout(stream[None], window[None], resets[None], continues[None])

"""A unit of work as a plain value: a lab run or a named live demo, with the key its result is kept under.

Lesson declarations, the job pool and the result cache all name work this way; nothing here runs it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass

from statelab.engine.config import LabConfig


@dataclass(frozen=True)
class Job:
    """One unit of work: a lab run (kind "lab") or a live demo (kind "demo"), stored under `key`."""

    kind: str
    args: dict
    key: str

    @property
    def suffix(self) -> str:
        """Its file type in the cache: .npz for lab results, .pkl for demo results."""
        return ".npz" if self.kind == "lab" else ".pkl"


Work = LabConfig | Job  # what a page, a lesson or the warm-up asks for


def lab_job(config: LabConfig) -> Job:
    """The job that trains both models of a config."""
    return Job("lab", asdict(config), config.key())


def demo_job(name: str, **kwargs) -> Job:
    """The job that runs a named live demo (see statelab.teaching.demos) with keyword arguments."""
    text = json.dumps({"demo": name, "kwargs": kwargs}, sort_keys=True)
    return Job(
        "demo", {"name": name, "kwargs": kwargs}, "demo-" + hashlib.sha256(text.encode()).hexdigest()[:20]
    )


def as_job(work: Work) -> Job:
    """A Job from a LabConfig (or the Job itself)."""
    return work if isinstance(work, Job) else lab_job(work)

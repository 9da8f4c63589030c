"""What machine a benchmark ran on, for benchmarks/RESULTS.md (shared by the scripts)."""

from __future__ import annotations

import os
import platform
from pathlib import Path

import numpy as np

__all__ = ["cpu_model", "machine"]


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo (or what platform knows)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown cpu"


def machine() -> str:
    """One line: CPU, logical CPUs, Python, NumPy, OS."""
    return (
        f"{cpu_model()}, {os.cpu_count()} logical CPUs, Python {platform.python_version()}, "
        f"NumPy {np.__version__}, {platform.system()}"
    )

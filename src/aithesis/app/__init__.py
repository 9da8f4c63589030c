"""The local dashboard (Streamlit): Index, Model, KPI and Claims pages over a project.

Start it with ``aithesis serve DIR`` (or ``streamlit run`` on :data:`DASHBOARD` with
``-- --project DIR``). The app is a thin shell over the library: every number it shows
comes from :mod:`aithesis.index`, :mod:`aithesis.thesis`, :mod:`aithesis.kpi` or the
project build. Needs the ``app`` extra (``pip install 'aithesis[app]'``).
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["DASHBOARD"]

DASHBOARD = Path(__file__).resolve().parent / "dashboard.py"
"""The Streamlit entry script."""

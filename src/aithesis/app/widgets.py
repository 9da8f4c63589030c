"""Widgets whose choice survives a language switch.

A Streamlit widget keeps its identity by ``key``; when only its option labels change
(English to Chinese) the frontend may keep showing the old labels. These helpers key the
widget by language and keep the chosen *value* (language-neutral) in session state, so
switching the language redraws the labels and keeps the choice.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

__all__ = ["multiselect", "select"]


def select(
    label: str,
    options: Sequence[Any],
    *,
    key: str,
    lang: str,
    default: Any = None,
    format_func: Callable[[Any], str] = str,
) -> Any:
    """A selectbox over ``options`` (raw values) labelled by ``format_func``.

    Args:
        label: the widget label (already translated).
        options: the values to choose from.
        key: a language-neutral key; the chosen value is kept under it.
        lang: the reader's language (part of the widget's own key).
        default: the initial value (the first option when None or not an option).

    Returns:
        The chosen value.
    """
    choices = list(options)
    current = st.session_state.get(key, default)
    if current not in choices:
        current = default if default in choices else choices[0]
    chosen = st.selectbox(
        label,
        choices,
        index=choices.index(current),
        format_func=format_func,
        key=f"{key}@{lang}",
    )
    st.session_state[key] = chosen
    return chosen


def multiselect(
    label: str,
    options: Sequence[Any],
    *,
    key: str,
    lang: str,
    default: Sequence[Any] = (),
    format_func: Callable[[Any], str] = str,
) -> list[Any]:
    """A multiselect over ``options`` (raw values) labelled by ``format_func``.

    Args:
        label: the widget label (already translated).
        options: the values to choose from.
        key: a language-neutral key; the chosen values are kept under it.
        lang: the reader's language (part of the widget's own key).
        default: the initial choice (values that are not options are dropped).

    Returns:
        The chosen values, in the order of ``options``.
    """
    choices = list(options)
    current = [v for v in st.session_state.get(key, list(default)) if v in choices]
    chosen = st.multiselect(
        label,
        choices,
        default=current,
        format_func=format_func,
        key=f"{key}@{lang}",
    )
    st.session_state[key] = list(chosen)
    return [v for v in choices if v in chosen]

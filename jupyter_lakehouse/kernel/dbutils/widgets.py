"""`dbutils.widgets`: notebook parameters drawn with ipywidgets.

A widget's value is always a string, as on Databricks (a multiselect's is the selected choices
joined by commas). Arguments a caller passes (`dbutils.notebook.run(…, arguments)`, `%run … $x=1`)
win over defaults, and `get` answers them even for a widget the notebook never created, as a
Databricks job parameter does. Widgets are shown in the output of the cell that creates them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ..errors import NotebookError

# Databricks' legacy SQL syntax for widget values: `${name}` and `$name`, pasted as text.
LEGACY_REFERENCE = re.compile(r"\$\{(\w+)\}|\$(\w+)")


class WidgetError(NotebookError):
    title = "dbutils.widgets"


class Widgets:
    def __init__(
        self, show: Callable[[Any], None], changed: Callable[[], None] = lambda: None
    ) -> None:
        self._show = show
        self._changed = changed
        # True when the frontend draws the widgets in a bar above the notebook (comm.py).
        self.in_bar = False
        self._controls: dict[str, Any] = {}
        self._kinds: dict[str, str] = {}
        self.arguments: dict[str, str] = {}

    # -- creating ---------------------------------------------------------------------------

    def text(self, name: str, defaultValue: str = "", label: str | None = None) -> None:
        self._create("text", name, defaultValue, None, label)

    def dropdown(
        self, name: str, defaultValue: str, choices: list, label: str | None = None
    ) -> None:
        self._create("dropdown", name, defaultValue, choices, label)

    def combobox(
        self, name: str, defaultValue: str, choices: list, label: str | None = None
    ) -> None:
        self._create("combobox", name, defaultValue, choices, label)

    def multiselect(
        self,
        name: str,
        defaultValue: str,
        choices: list,
        label: str | None = None,
    ) -> None:
        self._create("multiselect", name, defaultValue, choices, label)

    def _create(self, kind: str, name: str, default: Any, choices: list | None, label: Any) -> None:
        if not isinstance(name, str) or not name.isidentifier():
            raise WidgetError(f"a widget name is a word of letters, digits and _, not {name!r}")
        default = str(default)
        if choices is not None:
            choices = [str(c) for c in choices]
            if kind != "combobox" and default not in choices:
                raise WidgetError(
                    f"the default {default!r} of widget {name!r} is not one of {choices}"
                )
        control = self._controls.get(name)
        if control is not None and self._kinds[name] == kind:
            # Running the creating cell again keeps what the user picked, as Databricks does.
            value = self._value_of(name)
            control.close()
        else:
            value = self.arguments.get(name, default)
        self._controls[name] = _make_control(kind, name, value, choices, label)
        self._kinds[name] = kind
        if not self.in_bar:
            self._show(self._controls[name])
        self._changed()

    # -- reading ----------------------------------------------------------------------------

    def get(self, name: str) -> str:
        if name in self._controls:
            return self._value_of(name)
        if name in self.arguments:
            return self.arguments[name]
        raise WidgetError(
            f"InputWidgetNotDefined: no input widget named {name!r} is defined. Create it first "
            f"(dbutils.widgets.text({name!r}, 'default')) or pass it as an argument."
        )

    def getArgument(self, name: str, optional: str | None = None) -> str | None:
        try:
            return self.get(name)
        except WidgetError:
            return optional

    def getAll(self) -> dict[str, str]:
        values = dict(self.arguments)
        values.update({name: self._value_of(name) for name in self._controls})
        return values

    def models(self) -> list[dict[str, str]]:
        """The widgets' ipywidgets model ids, in creation order (for the frontend's bar)."""
        return [{"name": n, "model_id": c.model_id} for n, c in self._controls.items()]

    def _value_of(self, name: str) -> str:
        value = self._controls[name].value
        if self._kinds[name] == "multiselect":
            return ",".join(value)
        return "" if value is None else str(value)

    # -- removing ---------------------------------------------------------------------------

    def remove(self, name: str) -> None:
        control = self._controls.pop(name, None)
        if control is None:
            raise WidgetError(f"no input widget named {name!r} to remove")
        self._kinds.pop(name)
        control.close()
        self._changed()

    def removeAll(self) -> None:
        for name in list(self._controls):
            self.remove(name)

    # -- SQL --------------------------------------------------------------------------------

    def substitute(self, sql: str) -> str:
        """Paste `${name}` / `$name` widget values into SQL text (Databricks' legacy syntax).

        Only names of widgets or arguments are replaced; `:name` parameters are the safe way
        and travel as query arguments.
        """
        values = self.getAll()
        if not values:
            return sql

        def replace(match: re.Match) -> str:
            name = match.group(1) or match.group(2)
            return values.get(name, match.group(0))

        return LEGACY_REFERENCE.sub(replace, sql)

    def help(self) -> None:
        print(
            "dbutils.widgets: text, dropdown, combobox, multiselect, get, getAll, getArgument, "
            "remove, removeAll. In %sql, :name binds a widget's value."
        )


def _make_control(kind: str, name: str, value: str, choices: list | None, label: Any) -> Any:
    import ipywidgets

    common = {
        "description": str(label) if label is not None else name,
        "style": {"description_width": "initial"},
    }
    if kind == "text":
        return ipywidgets.Text(value=value, **common)
    if kind == "combobox":
        return ipywidgets.Combobox(value=value, options=choices, ensure_option=False, **common)
    if kind == "dropdown":
        options = choices if value in choices else [*choices, value]
        return ipywidgets.Dropdown(value=value, options=options, **common)
    picked = tuple(v for v in value.split(",") if v in choices)
    return ipywidgets.SelectMultiple(value=picked, options=choices, **common)

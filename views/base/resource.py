"""One declaration per model that its screen and its REST API share: the model, the Chinese labels, the columns a
form writes (as FAB's own examples share one ``label_columns`` dict between a ModelView and a ModelRestApi).

A class names it as ``resource = Resource(...)``; at class creation (XctModelView and XctModelRestApi call
``declare``) it gets its own data interface and copies of the labels and form columns, exactly as if the class body
had written them. What the class body writes itself wins: ``label_columns`` adds to the shared labels (the API's
``plan.id``-style columns), ``add_columns``/``edit_columns`` replace the shared ones where one side orders them
differently. Each class gets fresh copies: FAB fills in label dicts at start-up and must not leak one side's
defaults into the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .interface import XctSQLAInterface


@dataclass(frozen=True)
class Resource:
    model: type
    labels: dict[str, str] = field(default_factory=dict)
    fields: tuple[str, ...] = ()  # add and edit columns, in form order; () when each side declares its own


def declare(cls: type) -> None:
    """Fill in what `cls.resource` declares and the class body did not write itself."""
    resource: Resource | None = cls.__dict__.get("resource")
    if resource is None:
        return
    if "datamodel" not in cls.__dict__:
        cls.datamodel = XctSQLAInterface(resource.model)
    cls.label_columns = {**resource.labels, **cls.__dict__.get("label_columns", {})}
    for name in ("add_columns", "edit_columns"):
        if resource.fields and name not in cls.__dict__:
            setattr(cls, name, list(resource.fields))

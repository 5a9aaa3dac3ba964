"""Base classes every screen and REST API of the project derives from, and what they share.

A package since it passed 600 lines: the data interface (interface), the screen (screen), its 界面配置 (layout), the
REST resource (rest), Chinese messages (messages) and small shared functions (helpers). FAB internals these
classes override live in app.fab_compat. ``from views.base import X`` keeps working for every public name.
"""

from app.fab_compat import install as _install_fab_patches

from .helpers import (
    blank_none,
    body_day,
    check_item_rule,
    describe_changes,
    document_answer,
    export_list,
    integer_in_range,
    masked,
    uploaded,
    yes_no,
)
from .interface import XctSQLAInterface
from .layout import _LAYOUTS, LABEL_MAX, ORDER_DIRECTIONS, LayoutError, LayoutMixin, ScreenLayout
from .messages import flatten_messages, integrity_message, zh_validation_text
from .resource import Resource
from .rest import XctModelRestApi
from .screen import XctModelView

_install_fab_patches()

__all__ = [
    "LABEL_MAX", "ORDER_DIRECTIONS", "_LAYOUTS", "LayoutError", "LayoutMixin", "Resource", "ScreenLayout", "XctModelRestApi",
    "XctModelView", "XctSQLAInterface", "blank_none", "body_day", "check_item_rule", "describe_changes",
    "document_answer", "export_list", "flatten_messages", "integer_in_range", "integrity_message", "masked",
    "uploaded", "yes_no", "zh_validation_text",
]

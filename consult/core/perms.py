"""Permission predicates for templates, through one context processor.

Each domain registers its `permissions` module at set-up; templates then ask
`perms.comments.can_react(current_user, c)` and never test an attribute such as
`is_banned` themselves, so a page cannot show a button the service would refuse.
"""

from __future__ import annotations

from types import ModuleType, SimpleNamespace

from flask import Flask

_MODULES: dict[str, ModuleType] = {}


def register(name: str, module: ModuleType) -> None:
    """Expose a domain's permission module to templates as `perms.<name>`."""
    _MODULES[name] = module


def init_app(app: Flask) -> None:
    """Install the one context processor that serves every domain's predicates."""

    @app.context_processor
    def permission_predicates() -> dict[str, SimpleNamespace]:
        return {"perms": SimpleNamespace(**_MODULES)}

"""Role options for tests that sign outside a face: the application layer's
request with the demo's settings (the specimen images), as a person who chose
those images would sign."""

from __future__ import annotations

from kyso.core.role import Role
from kyso.demo.settings import demo_settings
from kyso.services.request import SigningRequest, sign_options


def options_for_role(role, **request):
    return sign_options(SigningRequest(role=Role.parse(role), **request), demo_settings())

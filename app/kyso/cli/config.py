"""``kyso config show|set``: the settings the desktop app edits too."""

from __future__ import annotations

from ..core.errors import ExitCode, UsageError
from .common import print_json


def register(sub, parser_class) -> None:
    cf = sub.add_parser("config", help="cài đặt / settings")
    cf_sub = cf.add_subparsers(dest="config_command", required=True, parser_class=parser_class)
    cs = cf_sub.add_parser("show", help="xem cài đặt / show settings")
    cs.add_argument("--json", action="store_true")
    cs.set_defaults(func=lambda a: show(a.json))
    cset = cf_sub.add_parser("set", help="đặt một giá trị (để trống để xóa) / set a value (empty clears)")
    cset.add_argument("key")
    cset.add_argument("value")
    cset.add_argument("--json", action="store_true")
    cset.set_defaults(func=lambda a: set_value(a.key, a.value, a.json))


def set_value(key: str, value: str, as_json: bool) -> int:
    from ..core import settings

    try:
        new = settings.update(**{key: value})
        if key == "bridge_autostart":       # the session's start-up entry follows the setting
            from ..services import autostart

            autostart.set_enabled(new.bridge_autostart)
    except KeyError:
        raise UsageError("usage.bad_setting", key=key,
                         keys=", ".join(settings.Settings.__dataclass_fields__)) from None
    except ValueError:
        raise UsageError("usage.bad_setting_value", key=key, value=value) from None
    return show(as_json)


def show(as_json: bool) -> int:
    from ..core import settings

    conf = settings.load()
    if as_json:
        print_json({"file": str(settings.settings_path()), "settings": conf.to_json()})
    else:
        print(settings.settings_path())
        for key, value in conf.to_json().items():
            if isinstance(value, list):
                value = ", ".join(value)
            print(f"  {key} = {'' if value is None else value}")
    return ExitCode.OK

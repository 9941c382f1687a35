"""The language the evaluation's sentences and figures are worded in, without importing Django.

The arithmetic (evaluation.py, final.py) imports nothing of Django, so that it reads and tests on its own. Its
sentences are the message ids of Django's catalogue (locale/): IndicatorsConfig.ready() plugs Django's
translation functions in here, and until it does (the arithmetic used on its own) they read as written, in
Japanese.
"""

from collections.abc import Callable

_active: dict[str, Callable] = {
    "get_language": lambda: None,
    "gettext": lambda message: message,
    "pgettext": lambda context, message: message,
}


def install(get_language: Callable, gettext: Callable, pgettext: Callable) -> None:
    _active.update(get_language=get_language, gettext=gettext, pgettext=pgettext)


def get_language() -> str | None:
    return _active["get_language"]()


def gettext(message: str) -> str:
    return _active["gettext"](message)


def pgettext(context: str, message: str) -> str:
    return _active["pgettext"](context, message)


def gettext_noop(message: str) -> str:
    """A message id marked for the catalogue, translated later where it is shown."""
    return message

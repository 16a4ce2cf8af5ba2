"""Mark the engine's own words (type names, page titles) for the message catalogue.

`N_("Meetings")` is the text itself: it only tells `pybabel extract -k N_` that the text is
one of the frame's words (templates/locale/messages.pot); the build shows it in the site's
language through core/messages.py. The standard gettext_noop idiom.
"""


def N_(text: str) -> str:   # noqa: N802 (gettext's name for it)
    """Return text unchanged; `pybabel extract -k N_` collects it."""
    return text

"""The reader's language: French or English, whatever form the code arrives in."""

from django.utils.translation import get_language

LANGUAGES = ("fr", "en")


def language_code(lang: str) -> str:
    """ "fr" or "en" from a language code such as "fr", "en-gb" or "fr_LU"."""
    code = lang.replace("_", "-").split("-")[0].lower()
    if code not in LANGUAGES:
        raise ValueError(f"Unsupported language {lang!r}: expected 'fr' or 'en'.")
    return code


def reader_language() -> str:
    """The language of the page being written: the active one, French outside a request."""
    active = get_language() or "fr"
    try:
        return language_code(active)
    except ValueError:
        return "fr"

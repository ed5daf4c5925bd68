"""The site's two languages: Vietnamese at the root, English under /en/ (contract section 11).

Templates are written in Vietnamese: their `_('...')` strings are the
message ids, and English comes from the gettext catalog
`THEME/translations/en/LC_MESSAGES/messages.po` (extracted with babel.cfg,
see README.md). The catalog is compiled in memory when the build starts, so
there is no .mo file to forget or to go stale.

Which language a template speaks is the `lang` variable of its context,
which the page writer sets per page; `_()` reads it at every call, so one
Jinja environment renders both languages.
"""
from __future__ import annotations

import gettext
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from jinja2 import pass_context

DEFAULT = "vi"
LANGUAGES = ("vi", "en")  # the default first
# Each language's own name, as a language switch shows it (not translated).
NAMES = {"vi": "Tiếng Việt", "en": "English"}
DOMAIN = "messages"


def prefix(lang: str) -> str:
    """The folder a language's pages live in, relative to the site root ("" or "en/")."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}")
    return "" if lang == DEFAULT else f"{lang}/"


def localise(url: str, lang: str) -> str:
    """A page's address (relative to the site root) in one language: thang/2024-10/ -> en/thang/2024-10/."""
    return prefix(lang) + url


def catalog_path(directory: Path, lang: str) -> Path:
    return Path(directory, lang, "LC_MESSAGES", f"{DOMAIN}.po")


@lru_cache(maxsize=None)
def translations(directory: str, lang: str) -> gettext.NullTranslations:
    """The compiled catalog of a language; the default language needs none."""
    po = catalog_path(Path(directory), lang)
    if lang == DEFAULT or not po.exists():
        return gettext.NullTranslations()
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=lang, domain=DOMAIN)
    compiled = BytesIO()
    # Fuzzy entries are guesses of `pybabel update`: they fall back to Vietnamese until checked.
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def install(env, directory: Path) -> None:
    """Give a Jinja environment `_`, `gettext` and `ngettext` that follow the page's `lang`."""
    folder = str(directory)

    def current(context) -> gettext.NullTranslations:
        return translations(folder, context.get("lang") or DEFAULT)

    @pass_context
    def gettext_(context, message: str) -> str:
        return current(context).gettext(message)

    @pass_context
    def ngettext_(context, singular: str, plural: str, n: int) -> str:
        return current(context).ngettext(singular, plural, n)

    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(gettext_, ngettext_, newstyle=True)

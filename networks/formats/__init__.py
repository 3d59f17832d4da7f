"""Date and number formats per language (settings.FORMAT_MODULE_PATH).

Each module overrides only what differs from Django's own formats for that language; anything not
set here falls back to django/conf/locale/<lang>/formats.py.
"""

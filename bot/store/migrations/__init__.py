"""Alembic's script directory (env.py, script.py.mako, versions/), run by bot.store.schema_history;
a package so that it ships inside finbot."""

"""One module per feature, each exposing ``COMMANDS`` and ``ACTIONS`` (see ``bot/router.py``)."""

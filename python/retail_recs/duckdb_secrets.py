"""dbt-duckdb plugin that hands the salts to DuckDB at run time, never through SQL text.

The contact hashes and coupon codes are keyed with secrets from the environment
(``RETAIL_RECS_PII_SALT``, ``RETAIL_RECS_COUPON_SALT``). Rendered into SQL as literals they
would land in ``target/`` (compiled SQL, manifest.json, run_results.json, the docs site) and in
logs. Instead this plugin binds each one as a DuckDB variable on every cursor dbt opens
(``SET VARIABLE ... = ?``, a bound parameter), and the SQL reads ``getvariable(...)``.

A salt left unset falls back to a public demo value, which makes hashes recomputable and
coupon codes guessable: that is logged as a warning on every build (``retail_recs.summary``
repeats it).
"""

from __future__ import annotations

import logging
import os

from dbt.adapters.duckdb.plugins import BasePlugin

logger = logging.getLogger(__name__)

# DuckDB variable name -> (environment variable, public demo default).
SALTS = {
    "retail_recs_pii_salt": ("RETAIL_RECS_PII_SALT", "retail-recs-demo-salt"),
    "retail_recs_coupon_salt": ("RETAIL_RECS_COUPON_SALT", "retail-recs-demo-coupon-salt"),
}


def salt_values() -> dict[str, str]:
    """Each salt's value: the environment's, else the public demo default."""
    return {name: os.environ.get(env) or default for name, (env, default) in SALTS.items()}


def public_salts() -> list[str]:
    """The environment variables left unset, whose public demo defaults are in use."""
    return [env for env, _ in SALTS.values() if not os.environ.get(env)]


class Plugin(BasePlugin):
    def initialize(self, plugin_config: dict) -> None:
        unset = public_salts()
        if unset:
            logger.warning(
                "retail_recs: %s not set: hashes and coupon codes use public demo salts, so "
                "anyone can recompute them. Set them for real customers.",
                " and ".join(unset),
            )

    def configure_cursor(self, cursor) -> None:
        for name, value in salt_values().items():
            cursor.execute(f"set variable {name} = ?", [value])

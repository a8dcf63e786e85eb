"""dbt-duckdb plugin that hands the salts to DuckDB at run time, never through SQL text.

The contact hashes and coupon codes are keyed with secrets from the environment
(``RETAIL_RECS_PII_SALT``, ``RETAIL_RECS_COUPON_SALT``). Rendered into SQL as literals they
would land in ``target/`` (compiled SQL, manifest.json, run_results.json, the docs site) and in
logs. Instead this plugin binds each one as a DuckDB variable on every cursor dbt opens
(``SET VARIABLE ... = ?``, a bound parameter), and the SQL reads ``getvariable(...)``.

The salts themselves are read in retail_recs.salts.
"""

from __future__ import annotations

import logging

from dbt.adapters.duckdb.plugins import BasePlugin

from retail_recs.salts import PUBLIC_SALT_WARNING, public_salts, salt_values

logger = logging.getLogger(__name__)


class Plugin(BasePlugin):
    def initialize(self, plugin_config: dict) -> None:
        unset = public_salts()
        if unset:
            logger.warning(PUBLIC_SALT_WARNING, " and ".join(unset))

    def configure_cursor(self, cursor) -> None:
        for name, value in salt_values().items():
            cursor.execute(f"set variable {name} = ?", [value])

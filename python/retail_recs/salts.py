"""The salts that key contact hashes and coupon codes, read from the environment.

``RETAIL_RECS_PII_SALT`` and ``RETAIL_RECS_COUPON_SALT`` reach the engine at run time only,
never as SQL text (which would land in ``target/`` and in logs): on DuckDB the dbt-duckdb
plugin retail_recs.duckdb_secrets binds them as variables, on Spark retail_recs.spark_build
sets them as session variables. A salt left unset falls back to a public demo value, which
makes hashes recomputable and coupon codes guessable: every build warns about it.
"""

from __future__ import annotations

import os

# Engine variable name -> (environment variable, public demo default).
SALTS = {
    "retail_recs_pii_salt": ("RETAIL_RECS_PII_SALT", "retail-recs-demo-salt"),
    "retail_recs_coupon_salt": ("RETAIL_RECS_COUPON_SALT", "retail-recs-demo-coupon-salt"),
}
PUBLIC_SALT_WARNING = (
    "retail_recs: %s not set: hashes and coupon codes use public demo salts, so anyone can "
    "recompute them. Set them for real customers."
)


def salt_values() -> dict[str, str]:
    """Each salt's value: the environment's, else the public demo default."""
    return {name: os.environ.get(env) or default for name, (env, default) in SALTS.items()}


def public_salts() -> list[str]:
    """The environment variables left unset, whose public demo defaults are in use."""
    return [env for env, _ in SALTS.values() if not os.environ.get(env)]

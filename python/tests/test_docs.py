"""Tests of ``retail_recs.docs_check``.

The fast tests run the artifact checks on a small hand-written manifest.json and catalog.json
(one model, one seed, one source, one exposure), spoil one thing at a time and expect it
reported, and parse a hand-written dump of a rendered page. The slow ones run
``dbt docs generate`` on the demo warehouse and check its artifacts, then its pages in
headless Chromium, skipped where Chromium is not installed.
"""

from __future__ import annotations

import pytest

from retail_recs.docs_check import (
    DEFAULT_CHROMIUM,
    EXIT_NO_BROWSER,
    INSTALL_HINT,
    check_artifacts,
    check_site,
    generate_docs,
    load_artifacts,
    main,
    parse_page,
)

ORDERS = "model.shop.orders"
COUNTRIES = "seed.shop.countries"
EVENTS = "source.shop.raw.events"


def _columns(descriptions: dict[str, str]) -> dict[str, dict]:
    return {name: {"name": name, "description": text} for name, text in descriptions.items()}


def _built(*columns: str) -> dict:
    return {
        "columns": {
            name: {"name": name, "type": "VARCHAR", "index": i} for i, name in enumerate(columns, 1)
        }
    }


def _artifacts() -> tuple[dict, dict]:
    """A fully documented manifest and the catalog of its warehouse."""
    nodes = {
        ORDERS: {
            "name": "orders",
            "resource_type": "model",
            "package_name": "shop",
            "config": {"materialized": "table"},
            "description": "Orders. One row per order.",
            "columns": _columns({"order_id": "Order.", "country": "Country code."}),
        },
        COUNTRIES: {
            "name": "countries",
            "resource_type": "seed",
            "package_name": "shop",
            "config": {"materialized": "seed"},
            "description": "Countries. One row per country.",
            "columns": _columns({"country": "Country code."}),
        },
        "test.shop.not_null_orders_order_id": {
            "name": "not_null_orders_order_id",
            "resource_type": "test",
            "package_name": "shop",
            "description": "",
            "columns": {},
        },
        # Another package's models are its authors' business.
        "model.utils.helper": {
            "name": "helper",
            "resource_type": "model",
            "package_name": "utils",
            "config": {"materialized": "view"},
            "description": "",
            "columns": {},
        },
    }
    sources = {
        EVENTS: {
            "unique_id": EVENTS,
            "name": "events",
            "source_name": "raw",
            "resource_type": "source",
            "package_name": "shop",
            "description": "Events. One row per event.",
            "columns": _columns({"event_id": "Event."}),
        }
    }
    exposures = {
        "exposure.shop.sales": {
            "name": "sales",
            "label": "Sales",
            "description": "Orders per country.",
            "owner": {"name": "Analytics", "email": "analytics@example.com"},
            "depends_on": {"nodes": [ORDERS]},
        }
    }
    manifest = {
        "metadata": {"project_name": "shop"},
        "nodes": nodes,
        "sources": sources,
        "exposures": exposures,
    }
    catalog = {
        "nodes": {ORDERS: _built("order_id", "country"), COUNTRIES: _built("country")},
        "sources": {},
        "errors": None,
    }
    return manifest, catalog


def test_a_documented_project_passes_and_is_counted():
    check = check_artifacts(*_artifacts())
    assert check.problems == []
    assert (check.models, check.seeds, check.sources, check.exposures) == (1, 1, 1, 1)
    # order_id, country; country; event_id
    assert check.columns == 4


def test_column_names_match_case_insensitively():
    manifest, catalog = _artifacts()
    catalog["nodes"][ORDERS] = _built("ORDER_ID", "Country")
    assert check_artifacts(manifest, catalog).problems == []


@pytest.mark.parametrize(
    ("spoil", "expected"),
    [
        (
            lambda m, c: m["nodes"][ORDERS]["columns"]["country"].update(description=" "),
            "model orders: column country has no description",
        ),
        (
            lambda m, c: c["nodes"][ORDERS]["columns"].update(total={"name": "total"}),
            "model orders: column total is not documented",
        ),
        (
            lambda m, c: c["nodes"][COUNTRIES]["columns"].pop("country"),
            "seed countries: documented column country is not in the built table",
        ),
        (
            lambda m, c: m["nodes"][ORDERS].update(description=""),
            "model orders: no description",
        ),
        (
            lambda m, c: c["nodes"].pop(ORDERS),
            "model orders: not in catalog.json (not built?)",
        ),
        (
            lambda m, c: m["sources"][EVENTS].update(description=""),
            "source raw.events: no description",
        ),
        (
            lambda m, c: m["sources"][EVENTS]["columns"]["event_id"].update(description=""),
            "source raw.events: column event_id has no description",
        ),
        (
            lambda m, c: m["exposures"]["exposure.shop.sales"].update(description="\n"),
            "exposure sales: no description",
        ),
        (
            lambda m, c: m["exposures"]["exposure.shop.sales"].update(owner={"name": None}),
            "exposure sales: no owner",
        ),
        (
            lambda m, c: m["exposures"]["exposure.shop.sales"].update(depends_on={"nodes": []}),
            "exposure sales: depends on no model",
        ),
        (
            lambda m, c: m["exposures"]["exposure.shop.sales"]["depends_on"]["nodes"].append(
                COUNTRIES
            ),
            f"exposure sales: depends on {COUNTRIES}, which is not a model of the project",
        ),
        (
            lambda m, c: m["exposures"]["exposure.shop.sales"]["depends_on"]["nodes"].append(
                "model.shop.gone"
            ),
            "exposure sales: depends on model.shop.gone, which is not a model of the project",
        ),
        (
            lambda m, c: c.update(errors=["Binder Error: no such table"]),
            "catalog.json: Binder Error: no such table",
        ),
    ],
)
def test_each_gap_is_reported(spoil, expected):
    manifest, catalog = _artifacts()
    spoil(manifest, catalog)
    assert check_artifacts(manifest, catalog).problems == [expected]


def test_an_ephemeral_model_needs_no_table():
    manifest, catalog = _artifacts()
    manifest["nodes"][ORDERS]["config"]["materialized"] = "ephemeral"
    del catalog["nodes"][ORDERS]
    assert check_artifacts(manifest, catalog).problems == []


# What Chromium's --dump-dom gives for a dbt docs page, cut down: the templates index.html
# ships inside scripts (with the same markup, unrendered), the sidebar, then the main view.
DUMPED_PAGE = """<html><head><title>dbt Docs</title>
<script type="text/ng-template" id="model.html">
  <a data-nav-unique-id="{{ item.unique_id }}" href="#!/model/{{ model.unique_id }}">x</a>
  <div class="app-body" ui-view><h6>Description</h6> Template text.</div>
</script></head><body>
<div class="app-sidebar">
  <a class="menu-node" data-nav-unique-id="model.shop.orders" title="orders">
    <span class="filename-ellip">ord</span><span>ers</span></a>
  <a class="menu-node" data-nav-unique-id="exposure.shop.sales" title="sales">sales</a>
</div>
<div class="app-body ng-scope" ng-show="!search.is_focused" ui-view="">
  <h1>Sales <small>dashboard</small></h1><br><img src="x.png">
  <div marked="exposure.description"><p>Orders per <code>country</code>, &amp; more.</p></div>
  <a ng-href="#!/model/model.shop.orders" href="#!/model/model.shop.orders">orders</a>
</div>
<p>Footer outside the main view.</p>
</body></html>"""


def test_parse_page_reads_only_what_angular_rendered():
    page = parse_page(DUMPED_PAGE)
    assert page.nav_ids == {"model.shop.orders", "exposure.shop.sales"}
    assert page.links == {"#!/model/model.shop.orders"}
    assert page.text == "Sales dashboard Orders per country , & more. orders"


def test_a_missing_browser_exits_2_with_the_install_command(tmp_path, capsys):
    chromium = tmp_path / "no-chromium"
    assert main(["--chromium", str(chromium), "--db", str(tmp_path / "none.duckdb")]) == 2
    assert EXIT_NO_BROWSER == 2
    assert capsys.readouterr().err.strip() == INSTALL_HINT.format(path=chromium)
    assert "apt-get install -y chromium" in INSTALL_HINT


@pytest.fixture(scope="module")
def demo_docs(demo_warehouse, tmp_path_factory):
    """``dbt docs generate`` of the demo warehouse: the target dir with the site."""
    target_dir = tmp_path_factory.mktemp("docs_target")
    generate_docs(target_dir, demo_warehouse, log_dir=tmp_path_factory.mktemp("docs_logs"))
    return target_dir


@pytest.mark.slow
def test_every_model_column_and_exposure_is_documented(demo_docs):
    manifest, catalog = load_artifacts(demo_docs)
    check = check_artifacts(manifest, catalog)
    assert check.problems == []
    assert check.models > 100
    assert check.exposures >= 5


@pytest.mark.slow
def test_the_served_site_renders_in_headless_chromium(demo_docs, tmp_path):
    if not DEFAULT_CHROMIUM.exists():
        pytest.skip(INSTALL_HINT.format(path=DEFAULT_CHROMIUM))
    manifest, _ = load_artifacts(demo_docs)
    screenshot = tmp_path / "campaign_performance.png"
    check = check_site(manifest, demo_docs, screenshot_path=screenshot)
    assert check.problems == []
    assert "#!/exposure/exposure.retail_recs.campaign_dashboard" in check.pages
    assert "#!/model/model.retail_recs.campaign_performance" in check.pages
    png = screenshot.read_bytes()
    # A blank or still-loading page compresses to a few kB; the model page is far larger.
    assert png.startswith(b"\x89PNG") and len(png) > 50_000

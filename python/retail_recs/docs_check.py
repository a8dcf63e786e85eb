"""Check the dbt docs site: every table and column documented, and the served page rendering it.

Usage::

    python -m retail_recs.docs_check [--db PATH] [--target-dir DIR] [--screenshot PATH]

1. ``dbt docs generate`` against the warehouse at ``--db`` (default: RETAIL_RECS_DB), writing
   ``manifest.json``, ``catalog.json`` and ``index.html`` to ``--target-dir`` (default
   ``target/docs``: not ``target/``, whose ``run_results.json`` must stay the build's for
   ``retail_recs.publish``).
2. The artifacts: every model, seed and source has a description; every column the catalog
   lists for a model or seed (the columns really built) is documented with a non-empty
   description, and every documented column really exists; every exposure has a description
   and an owner and depends on existing models only.
3. The site, served from the target dir on a free local port and loaded in headless Chromium:
   the sidebar lists every model, seed, source and exposure; each exposure's page renders its
   label and description and links to the models it depends on; the page of model
   ``campaign_performance`` renders its description and columns. ``--screenshot`` saves a PNG
   of that page.

Prints a short report; exits 0 when all is well, 1 with the list of problems, 2 when Chromium
is missing (it is not a project dependency: ``apt-get install chromium``, or ``--skip-browser``).
"""

from __future__ import annotations

import argparse
import functools
import html
import json
import logging
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from retail_recs.build import _release_duckdb, dbt_args
from retail_recs.project import database_path

logger = logging.getLogger(__name__)

DEFAULT_TARGET_DIR = Path("target/docs")
DEFAULT_CHROMIUM = Path("/usr/bin/chromium")
INSTALL_HINT = (
    "Chromium not found at {path}. It is not a project dependency; install it with "
    "`sudo apt-get install -y chromium` (Debian/Ubuntu; `brew install --cask chromium` on "
    "macOS), point --chromium at another Chromium/Chrome binary, or run with --skip-browser."
)
# Without the background-networking flags Chromium keeps calling Google services, which on a
# closed network floods the log and slows every page; a fresh profile per run keeps runs
# independent (and lets several run at once).
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)
# Virtual time: Chromium fast-forwards timers until the page is idle or this budget is spent,
# so the Angular app gets to fetch manifest.json and catalog.json and render before the dump.
VIRTUAL_TIME_BUDGET_MS = 20_000
CHROMIUM_TIMEOUT_S = 60
WINDOW_SIZE = "1400,900"
SCREENSHOT_NODE = "campaign_performance"
# How much of a description must appear, word for word, on its page.
DESCRIPTION_WORDS = 12
DOCUMENTED_TYPES = ("model", "seed")
EXIT_OK, EXIT_PROBLEMS, EXIT_NO_BROWSER = 0, 1, 2


class DocsCheckError(RuntimeError):
    """dbt docs generate failed, or its artifacts are missing."""


@dataclass
class ArtifactCheck:
    """What :func:`check_artifacts` looked at, and what it found wrong."""

    problems: list[str] = field(default_factory=list)
    models: int = 0
    seeds: int = 0
    sources: int = 0
    columns: int = 0
    exposures: int = 0


@dataclass
class PageCheck:
    """What :func:`check_site` loaded, and what it found wrong."""

    problems: list[str] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class RenderedPage:
    """The parts of a rendered dbt docs page that the checks read."""

    nav_ids: set[str]
    links: set[str]
    text: str


# ---------------------------------------------------------------------------------------------
# dbt docs generate and the artifacts


def generate_docs(target_dir: Path, db_path: Path | None = None, log_dir: Path | None = None):
    """Run ``dbt docs generate`` in this process, writing the site to ``target_dir``.

    ``db_path`` sets RETAIL_RECS_DB (profiles.yml reads it); the catalog is read from that
    warehouse, so it must be built. Raises :class:`DocsCheckError` when dbt fails.
    """
    from dbt.cli.main import dbtRunner

    extra = ["--target-path", str(target_dir.resolve())]
    if log_dir is not None:
        extra += ["--log-path", str(log_dir.resolve())]
    if db_path is not None:
        os.environ["RETAIL_RECS_DB"] = str(db_path)
    # `docs` is a command group: the project options belong to its `generate` subcommand.
    args = ["docs", *dbt_args("generate", extra_args=extra)]
    try:
        result = dbtRunner().invoke(args)
    finally:
        _release_duckdb()
    if not result.success:
        raise DocsCheckError(f"dbt docs generate failed: {result.exception or 'see the dbt log'}")
    return result


def load_artifacts(target_dir: Path) -> tuple[dict, dict]:
    """``manifest.json`` and ``catalog.json`` of ``target_dir``."""
    artifacts = []
    for name in ("manifest.json", "catalog.json"):
        path = target_dir / name
        if not path.exists():
            raise DocsCheckError(f"no {path}: run `dbt docs generate` first")
        artifacts.append(json.loads(path.read_text(encoding="utf-8")))
    return artifacts[0], artifacts[1]


def check_artifacts(manifest: dict, catalog: dict) -> ArtifactCheck:
    """Check that the project's models, seeds, sources, columns and exposures are documented.

    Parameters
    ----------
    manifest : dict
        ``manifest.json``: the descriptions, from the YAML.
    catalog : dict
        ``catalog.json``: the columns of the built tables, from the warehouse. A model or seed
        missing from it was not built, and is a problem (its columns cannot be checked).

    Returns
    -------
    ArtifactCheck
        Counts of what was checked, and one line per problem.
    """
    check = ArtifactCheck()
    project = manifest["metadata"]["project_name"]
    check.problems += [f"catalog.json: {error}" for error in catalog.get("errors") or []]
    for unique_id, node in sorted(manifest["nodes"].items()):
        kind = node["resource_type"]
        if kind not in DOCUMENTED_TYPES or node["package_name"] != project:
            continue
        check.models += kind == "model"
        check.seeds += kind == "seed"
        ephemeral = node.get("config", {}).get("materialized") == "ephemeral"
        built = catalog["nodes"].get(unique_id)
        if built is None and not ephemeral:
            check.problems.append(f"{kind} {node['name']}: not in catalog.json (not built?)")
        check.columns += _check_node(kind, node, built, check.problems)
    for _, source in sorted(manifest["sources"].items()):
        if source["package_name"] != project:
            continue
        check.sources += 1
        # Sources read files (no table to list), so only their documented columns are known.
        built = catalog.get("sources", {}).get(source["unique_id"])
        check.columns += _check_node("source", source, built, check.problems)
    for _, exposure in sorted(manifest["exposures"].items()):
        check.exposures += 1
        check.problems += _check_exposure(exposure, manifest["nodes"])
    return check


def _check_node(kind: str, node: dict, built: dict | None, problems: list[str]) -> int:
    """Append the documentation problems of one model, seed or source; return its columns.

    Columns are matched case-insensitively, as the warehouse folds unquoted names.
    """
    name = _display_name(kind, node)
    if not node["description"].strip():
        problems.append(f"{name}: no description")
    documented = {column.lower(): spec for column, spec in node["columns"].items()}
    real = {column.lower(): column for column in (built or {}).get("columns", {})}
    for column in real:
        if column not in documented:
            problems.append(f"{name}: column {real[column]} is not documented")
    for column, spec in documented.items():
        if built is not None and column not in real:
            problems.append(f"{name}: documented column {spec['name']} is not in the built table")
        elif not spec["description"].strip():
            problems.append(f"{name}: column {spec['name']} has no description")
    return len(real.keys() | documented.keys())


def _check_exposure(exposure: dict, nodes: dict) -> list[str]:
    """The problems of one exposure: no description, no owner, or a dependency on no model."""
    name = f"exposure {exposure['name']}"
    problems = []
    if not exposure["description"].strip():
        problems.append(f"{name}: no description")
    owner = exposure.get("owner") or {}
    if not (owner.get("name") or owner.get("email")):
        problems.append(f"{name}: no owner")
    depends_on = exposure["depends_on"]["nodes"]
    if not depends_on:
        problems.append(f"{name}: depends on no model")
    for unique_id in depends_on:
        if nodes.get(unique_id, {}).get("resource_type") != "model":
            problems.append(f"{name}: depends on {unique_id}, which is not a model of the project")
    return problems


def _display_name(kind: str, node: dict) -> str:
    if kind == "source":
        return f"source {node['source_name']}.{node['name']}"
    return f"{kind} {node['name']}"


# ---------------------------------------------------------------------------------------------
# The served site in headless Chromium


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` over HTTP on 127.0.0.1 and a free port; yield its base URL.

    The site must come over HTTP, not file://: index.html fetches manifest.json and
    catalog.json, which Chromium refuses to read from files.
    """
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:
        logger.debug("docs server: " + format, *args)


def run_chromium(chromium: Path, url: str, *flags: str) -> str:
    """Load ``url`` in headless Chromium with a fresh profile; return its stdout."""
    with tempfile.TemporaryDirectory(prefix="docs-check-chromium-") as profile:
        args = [
            str(chromium),
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            f"--virtual-time-budget={VIRTUAL_TIME_BUDGET_MS}",
            *flags,
            url,
        ]
        # A session of its own, so that a hung Chromium goes with all its helper processes.
        with subprocess.Popen(
            args,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        ) as process:
            try:
                stdout, stderr = process.communicate(timeout=CHROMIUM_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.communicate()
                # The docs app never settles when manifest.json or catalog.json fail to load.
                raise DocsCheckError(
                    f"Chromium did not finish {url} in {CHROMIUM_TIMEOUT_S} s: does the served"
                    " folder hold index.html, manifest.json and catalog.json?"
                ) from None
    if process.returncode != 0:
        raise DocsCheckError(
            f"Chromium exited with {process.returncode} on {url}: {stderr[-2000:]}"
        )
    return stdout


def render(chromium: Path, url: str) -> RenderedPage:
    """The DOM of ``url`` after the dbt docs app has rendered it (``--dump-dom``)."""
    return parse_page(run_chromium(chromium, url, "--dump-dom"))


def screenshot(chromium: Path, url: str, path: Path) -> None:
    """Save a PNG of ``url`` as rendered in a 1400 by 900 window."""
    path.parent.mkdir(parents=True, exist_ok=True)
    run_chromium(chromium, url, f"--screenshot={path.resolve()}", f"--window-size={WINDOW_SIZE}")
    if not path.exists():
        raise DocsCheckError(f"Chromium wrote no screenshot to {path}")


def parse_page(dom: str) -> RenderedPage:
    """Read the sidebar entries, the links and the text of the main view of a dumped DOM."""
    parser = _DocsPageParser()
    parser.feed(dom)
    parser.close()
    return RenderedPage(parser.nav_ids, parser.links, " ".join(" ".join(parser.text).split()))


class _DocsPageParser(HTMLParser):
    """Collects what Angular rendered, ignoring the templates index.html ships in scripts.

    The main view is the element with the ``ui-view`` attribute and the ``app-body`` class;
    its text and links are the page, while sidebar entries carry ``data-nav-unique-id``.
    """

    VOID = frozenset({"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "wbr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.nav_ids: set[str] = set()
        self.links: set[str] = set()
        self.text: list[str] = []
        self._skip = 0
        self._main_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag in ("script", "style", "template"):
            self._skip += 1
        if "data-nav-unique-id" in values and "{{" not in values["data-nav-unique-id"]:
            self.nav_ids.add(values["data-nav-unique-id"])
        if tag in self.VOID:
            return
        if self._main_depth:
            self._main_depth += 1
            if values.get("href", "").startswith("#!/"):
                self.links.add(values["href"])
        elif "ui-view" in values and "app-body" in values.get("class", "").split():
            self._main_depth = 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template"):
            self._skip = max(0, self._skip - 1)
        if self._main_depth and tag not in self.VOID:
            self._main_depth -= 1

    def handle_data(self, data: str) -> None:
        if self._main_depth and not self._skip:
            self.text.append(data)


def check_site(
    manifest: dict,
    target_dir: Path,
    chromium: Path = DEFAULT_CHROMIUM,
    screenshot_path: Path | None = None,
    model_name: str = SCREENSHOT_NODE,
) -> PageCheck:
    """Serve ``target_dir`` and check its pages in headless Chromium.

    Pages: each exposure's page (label, description, a link to every model it depends on)
    and the page of model ``model_name`` (name, description, every documented column). The
    sidebar of every page must list every model, seed, source and exposure of the project.

    Raises
    ------
    FileNotFoundError
        ``chromium`` does not exist; the message says how to install it.
    DocsCheckError
        Chromium failed.
    """
    if not chromium.exists():
        raise FileNotFoundError(INSTALL_HINT.format(path=chromium))
    started = time.perf_counter()
    project = manifest["metadata"]["project_name"]
    # fragment -> (what the page is, texts it must show, links it must have)
    expected: dict[str, tuple[str, list[str], list[str]]] = {}
    for unique_id, exposure in sorted(manifest["exposures"].items()):
        expected[f"exposure/{unique_id}"] = (
            f"exposure {exposure['name']}",
            [exposure.get("label") or exposure["name"], exposure["description"]],
            [f"#!/model/{node}" for node in exposure["depends_on"]["nodes"]],
        )
    model_id = f"model.{project}.{model_name}"
    model = manifest["nodes"].get(model_id)
    if model is not None:
        expected[f"model/{model_id}"] = (
            f"model {model_name}",
            [model_name, model["description"], *model["columns"]],
            [],
        )
    check = PageCheck()
    if not expected:
        check.problems.append(f"no exposures and no model {model_name}: no page to check")
        return check
    workers = min(4, os.cpu_count() or 1)
    with serve(target_dir) as base_url, ThreadPoolExecutor(max_workers=workers) as pool:
        urls = {fragment: f"{base_url}#!/{fragment}" for fragment in expected}
        rendered = pool.map(functools.partial(render, chromium), urls.values())
        pages = dict(zip(urls, rendered, strict=True))
        if screenshot_path is not None:
            if model is None:
                check.problems.append(f"screenshot: no model {model_name}")
            else:
                screenshot(chromium, urls[f"model/{model_id}"], screenshot_path)
    for fragment, (label, texts, links) in expected.items():
        check.pages.append(f"#!/{fragment}")
        page = pages[fragment]
        if not page.text:
            check.problems.append(f"page {label} (#!/{fragment}): nothing rendered")
            continue
        for text in texts:
            if not _shows(page.text, text):
                check.problems.append(f"page {label}: does not show {_shorten(text)!r}")
        missing_links = sorted(set(links) - page.links)
        check.problems += [f"page {label}: no link to {link}" for link in missing_links]
    wanted = {
        unique_id
        for unique_id, node in (*manifest["nodes"].items(), *manifest["sources"].items())
        if node["resource_type"] in (*DOCUMENTED_TYPES, "source")
        and node["package_name"] == project
    } | set(manifest["exposures"])
    listed = set.intersection(*(page.nav_ids for page in pages.values()))
    check.problems += [
        f"sidebar: {unique_id} is not listed" for unique_id in sorted(wanted - listed)
    ]
    check.seconds = time.perf_counter() - started
    return check


def _words(text: str) -> list[str]:
    """The words of a text, markdown link targets and markup dropped, lower-cased."""
    return re.findall(r"\w+", re.sub(r"\]\([^)]*\)", "]", html.unescape(text)).lower())


def _shows(page_text: str, text: str) -> bool:
    """Whether the first words of ``text`` appear, in order, in the page's text."""
    needle = " ".join(_words(text)[:DESCRIPTION_WORDS])
    return f" {needle} " in f" {' '.join(_words(page_text))} "


def _shorten(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


# ---------------------------------------------------------------------------------------------
# Command line


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, default=None, help="warehouse (default: RETAIL_RECS_DB)")
    parser.add_argument(
        "--target-dir",
        type=Path,
        default=DEFAULT_TARGET_DIR,
        help=f"where dbt writes the site (default: {DEFAULT_TARGET_DIR})",
    )
    parser.add_argument("--log-dir", type=Path, default=None, help="dbt log folder")
    parser.add_argument("--screenshot", type=Path, default=None, help=f"PNG of {SCREENSHOT_NODE}")
    parser.add_argument("--chromium", type=Path, default=DEFAULT_CHROMIUM, help="browser binary")
    parser.add_argument(
        "--skip-browser", action="store_true", help="check the artifacts only, not the page"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")

    # Fail before the half-minute of docs generate when the browser check cannot run.
    if not args.skip_browser and not args.chromium.exists():
        print(INSTALL_HINT.format(path=args.chromium), file=sys.stderr)
        return EXIT_NO_BROWSER
    db_path = args.db or database_path()
    if not db_path.exists():
        print(f"no warehouse at {db_path}: run `make demo` first", file=sys.stderr)
        return EXIT_PROBLEMS
    started = time.perf_counter()
    try:
        generate_docs(args.target_dir, db_path, args.log_dir)
        manifest, catalog = load_artifacts(args.target_dir)
    except DocsCheckError as error:
        print(error, file=sys.stderr)
        return EXIT_PROBLEMS
    artifacts = check_artifacts(manifest, catalog)
    problems = list(artifacts.problems)
    lines = [
        f"dbt docs generate: {args.target_dir} ({time.perf_counter() - started:.1f} s)",
        f"Artifacts: {artifacts.models} models, {artifacts.seeds} seeds, {artifacts.sources}"
        f" sources, {artifacts.columns} columns, {artifacts.exposures} exposures checked",
    ]
    if not args.skip_browser:
        try:
            site = check_site(manifest, args.target_dir, args.chromium, args.screenshot)
        except DocsCheckError as error:
            print(error, file=sys.stderr)
            return EXIT_PROBLEMS
        problems += site.problems
        lines.append(f"Site: {len(site.pages)} pages checked in Chromium ({site.seconds:.1f} s)")
        lines += [f"  {page}" for page in site.pages]
        if args.screenshot is not None:
            lines.append(f"Screenshot: {args.screenshot}")
    print("\n".join(lines))
    if problems:
        count = f"{len(problems)} problem{'s' if len(problems) > 1 else ''}"
        print(f"\n{count}:", *(f"  {problem}" for problem in problems), sep="\n")
        return EXIT_PROBLEMS
    print("OK: every model, seed, source, column and exposure is documented and rendered.")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())

"""The command line: parse arguments, call the pipeline, print problems and one summary line.

No build logic lives here. Exit codes: 0 built, 1 content or template problems, 2 usage,
130 interrupted (Ctrl-C).
A command that only it needs (serve, check --site, new, schema) imports its module when
it runs, so that `build` does not wait for them (the link checker alone takes 20 ms).
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .core.progress import progress_for
from .core.runner import Runner
from .model.errors import BuildFailed, Location, SiteError, printable
from .model.kinds import FieldError, Url
from .core.loader import display_path
from .pipeline import Paths, build, load_site
from .model.schema import CONTENT_TYPES, SITE


def _add_paths(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--content", type=Path, default=Path("content"), help="content folder (default: content)")
    parser.add_argument("--templates", type=Path, default=Path("templates"),
                        help="templates folder (default: templates)")
    parser.add_argument("--out", type=Path, default=Path("_site"), help="output folder (default: _site)")
    parser.add_argument("--base-url", default=None,
                        help="override base_url from site.yaml, e.g. https://user.github.io/repo/")
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    parser.add_argument("--no-drafts", action="store_true",
                        help="fail if any entry is still a draft (draft: true); drafts are left out either way")


DEFAULT_DIR = Path(".cache/site_builder")


def runner_for(cache_dir: Path | None) -> Runner:
    """Return the fast runner (speed/), keeping its cache in cache_dir (None: nothing kept),
    or, where speed/ is not installed, the plain runner: same output, only slower."""
    try:
        from .speed.cache import Cache  # noqa: PLC0415 (the CLI picks the runner; speed/ may be removed)
        from .speed.runner import FastRunner  # noqa: PLC0415
    except ImportError:
        return Runner()
    return FastRunner(Cache(cache_dir))


def _add_cache(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cache-dir", type=Path, default=DEFAULT_DIR,
                        help=f"where parsed files and rendered Markdown are kept between builds (default: {DEFAULT_DIR})")
    parser.add_argument("--no-cache", action="store_true", help="build from scratch, without reading or writing the cache")
    parser.add_argument("--no-search", action="store_true",
                        help="skip the Pagefind search index (faster; the search page then finds nothing)")


def make_parser() -> argparse.ArgumentParser:
    """Return the argument parser with one subcommand per task."""
    parser = argparse.ArgumentParser(prog="build.py", description="Build the explainer site from YAML content.")
    commands = parser.add_subparsers(dest="command")
    build_parser = commands.add_parser("build", help="build the site (the default)")
    _add_paths(build_parser)
    _add_cache(build_parser)
    check = commands.add_parser("check", help="validate all content and print every problem; write nothing")
    _add_paths(check)
    check.add_argument("--site", action="store_true",
                       help="also check every internal link, asset and #fragment of the built site in --out")
    check.add_argument("--translations", action="store_true",
                       help="also print how complete the translations are, by language and type")
    serve = commands.add_parser("serve", help="build, serve on 127.0.0.1 and reload the browser on every change")
    _add_paths(serve)
    _add_cache(serve)
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000; 0 picks a free one)")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1, this machine only)")
    new = commands.add_parser("new", help="write a new content file with every field of its type, commented")
    new.add_argument("type", choices=[t.name for t in CONTENT_TYPES] + [SITE.name],
                     help="content type (site: with --translate, the settings in content/<language>/site.yaml)")
    new.add_argument("id", help="id of the new entry, e.g. wang-yi (lowercase letters, digits, hyphens)")
    new.add_argument("--content", type=Path, default=Path("content"), help="content folder (default: content)")
    new.add_argument("--schemas", type=Path, default=None,
                     help="schemas folder (default: .cache/schemas beside the content folder)")
    new.add_argument("--translate", metavar="LANGUAGE", default=None,
                     help="start a translation of the existing entry into LANGUAGE (one of site.yaml's languages), "
                          "written to content/LANGUAGE/<folder>/<id>.yaml with the English as comments")
    new.add_argument("--restamp", action="store_true",
                     help="with --translate: record that the translation now follows the English as it is "
                          "(after bringing it up to date)")
    schema = commands.add_parser("schema", help="write one JSON Schema per content type, for editors")
    schema.add_argument("--content", type=Path, default=Path("content"),
                        help="content folder whose ids references may use (default: content)")
    schema.add_argument("--schemas", type=Path, default=None,
                        help="output folder (default: .cache/schemas beside the content folder, "
                             "where every build writes them too)")
    pages = commands.add_parser("pages-url", help="print the address GitHub Pages serves this site at "
                                "(from content/site.yaml's domain and $GITHUB_REPOSITORY)")
    pages.add_argument("--content", type=Path, default=Path("content"), help="content folder (default: content)")
    pages.add_argument("--repository", default=os.environ.get("GITHUB_REPOSITORY", ""),
                       help="owner/name of the repository (default: $GITHUB_REPOSITORY)")
    return parser


def run_pages_url(args: argparse.Namespace) -> int:
    """Print the GitHub Pages address for the repository, or say why there is none."""
    from .publish.files import pages_url
    try:
        site, _, _ = load_site(args.content, runner=runner_for(None))
    except BuildFailed as failed:
        print_problems(failed.problems)
        return 1
    try:
        print(pages_url(site.settings.get("domain"), args.repository))
    except ValueError as exc:
        print(f"pages-url: {exc} (set GITHUB_REPOSITORY or pass --repository owner/name)", file=sys.stderr)
        return 2
    return 0


def run_new(args: argparse.Namespace) -> int:
    """Write a scaffolded content file, or print why not."""
    if args.translate or args.restamp:
        return run_translate(args)
    from .tools.editor_schemas import refresh_schemas, schemas_dir_for
    from .tools.scaffold import new_file
    try:
        path = new_file(args.content, args.type, args.id, args.schemas or schemas_dir_for(args.content))
        refresh_schemas(args.content)
    except BuildFailed as failed:
        print_problems(failed.problems)
        return 1
    except OSError as exc:   # a read-only or missing folder, a full disk: one line, no traceback
        print_problems([_cannot_write(exc, args.content)])
        return 1
    print(printable(f"wrote {display_path(path)}, a draft: `python build.py serve` shows it at once with a draft "
                    "banner; fill in the required fields, then delete the line `draft: true` to publish it"))
    return 0


def run_translate(args: argparse.Namespace) -> int:
    """Start a translation file, or restamp one, or print why not."""
    if not args.translate:
        print("new: --restamp needs --translate LANGUAGE", file=sys.stderr)
        return 2
    from .tools.translate import new_translation
    try:
        path = new_translation(args.content, args.translate, args.type, args.id, restamp=args.restamp)
    except BuildFailed as failed:
        print_problems(failed.problems)
        return 1
    except OSError as exc:
        print_problems([_cannot_write(exc, args.content)])
        return 1
    print(printable(f"restamped {display_path(path)}: it now counts as translated from the English as it is"
                    if args.restamp else
                    f"wrote {display_path(path)}: write each field under its English; a field left empty "
                    "shows the English"))
    return 0


def run_schema(args: argparse.Namespace) -> int:
    """Write the JSON Schemas."""
    from .tools.editor_schemas import schemas_dir_for, write_schemas
    out = args.schemas or schemas_dir_for(args.content)
    try:
        written = write_schemas(args.content, out)
    except BuildFailed as failed:
        print_problems(failed.problems)
        return 1
    except OSError as exc:
        print_problems([_cannot_write(exc, out)])
        return 1
    print(f"wrote {len(written)} schemas into {display_path(out)} (reference ids from {args.content})")
    return 0


def _cannot_write(exc: OSError, folder: Path) -> SiteError:
    where = display_path(Path(exc.filename)) if exc.filename else display_path(folder)
    return SiteError(Location(where), None, f"cannot write: {exc.strerror or exc}",
                     "check that the folder exists and is writable")


def check_base_url(args: argparse.Namespace) -> list[SiteError]:
    """Return the problem with --base-url (an http or https URL with a host), if any."""
    if getattr(args, "base_url", None) is None:
        return []
    try:
        args.base_url = Url().convert(args.base_url)
    except FieldError as exc:
        return [SiteError(Location("--base-url"), None, exc.message,
                          "pass the address the site is served at, e.g. https://user.github.io/repo/")]
    return []


def run_serve(args: argparse.Namespace) -> int:
    """Serve the site with live reload."""
    from .preview.serve import run_serve as serve
    return serve(args)


def print_problems(problems: list[SiteError], stream=None) -> None:
    """Print each problem on its own line, errors and warnings alike."""
    stream = stream or sys.stderr  # looked up per call, so a redirected stderr is honoured
    for problem in problems:
        print(problem, file=stream)


def run_build(args: argparse.Namespace) -> int:
    """Build once; print problems and the summary line; return the exit code."""
    paths = Paths(args.content, args.templates, args.out)
    from .tools.editor_schemas import refresh_schemas
    refresh_schemas(args.content)   # the editor's id lists follow the content, even when the build fails
    try:
        runner = runner_for(None if args.no_cache else args.cache_dir)
        report = build(paths, base_url=args.base_url, strict=args.strict, runner=runner, search=not args.no_search,
                       progress=progress_for(), no_drafts=args.no_drafts)
    except BuildFailed as failed:
        print_problems(failed.problems)
        count = len(failed.problems)
        print(f"build failed: {count} problem{'s' if count != 1 else ''}; {args.out} left unchanged",
              file=sys.stderr)
        return 1
    print_problems(report.warnings)
    print(f"built {report.pages} pages into {args.out} in {report.seconds:.2f}s" + _counts(report.warnings))
    return 0


def _counts(warnings: list[SiteError]) -> str:
    """Return ' (2 warnings, 1 draft)' for the summary line, or ''."""
    drafts = len({p.location.path for p in warnings if p.draft})
    plain = sum(not p.draft and not p.stale for p in warnings)
    stale = sum(p.stale for p in warnings)
    parts = [f"{plain} warning{'s' if plain != 1 else ''}"] if plain else []
    parts += [f"{drafts} draft{'s' if drafts != 1 else ''} left out"] if drafts else []
    parts += [f"{stale} stale translation{'s' if stale != 1 else ''}"] if stale else []
    return f" ({', '.join(parts)})" if parts else ""


def _print_warnings(warnings: list[SiteError], site, settings=None) -> None:
    """Print the warnings, each stale translation's with what changed in the English since."""
    diffs: dict[tuple[str, str], str] = {}
    if any(w.stale for w in warnings):
        from .tools.translation_report import stale_diffs
        diffs = stale_diffs(site, settings)
    for warning in warnings:
        print(warning, file=sys.stderr)
        if (warning.location.path, warning.field) in diffs:
            from .tools.translation_report import indented
            print(indented(diffs[warning.location.path, warning.field]), file=sys.stderr)


def run_check(args: argparse.Namespace) -> int:
    """Validate content (and, with --site, the built site's links); return the exit code."""
    try:
        site, settings, warnings = load_site(args.content, strict=args.strict, runner=runner_for(None),
                                             progress=progress_for(), no_drafts=args.no_drafts)
    except BuildFailed as failed:
        print_problems(failed.problems)
        print(f"check failed: {len(failed.problems)} problem(s)", file=sys.stderr)
        return 1
    _print_warnings(warnings, site, settings)
    if args.translations:
        from .tools.translation_report import completeness, completeness_table
        print(completeness_table(completeness(site, settings)))
    broken = []
    if args.site:
        if not (args.out / "index.html").is_file():
            print(f"{args.out}: no built site here; run `python build.py` first", file=sys.stderr)
            return 1
        from .tools.linkcheck import check_links
        broken = check_links(args.out, args.base_url or site.settings["base_url"])
        for link in broken:
            print(link, file=sys.stderr)
    if broken:
        print(f"check failed: {len(broken)} broken link(s)", file=sys.stderr)
        return 1
    print(f"checked {len(site.by_id)} entities" + (f" and the site in {args.out}" if args.site else "")
          + (_counts(warnings) if warnings else ": no problems"))
    return 0


COMMANDS = {"build": run_build, "check": run_check, "serve": run_serve,
            "new": run_new, "schema": run_schema, "pages-url": run_pages_url}


def main(argv: list[str] | None = None) -> int:
    """Run the command named in argv (build by default) and return its exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0].startswith("-") and argv[0] not in ("-h", "--help"):
        argv.insert(0, "build")
    args = make_parser().parse_args(argv)
    if problems := check_base_url(args):
        print_problems(problems)
        return 2
    try:
        from .speed.allocator import return_large_blocks  # noqa: PLC0415 (speed/ may be removed)
        return_large_blocks()
    except ImportError:
        pass
    try:
        return COMMANDS[args.command or "build"](args)
    # The output is as it was: the swap is the last step, and an update stopped while its
    # files move into place is finished by the next build (output.clean_leftovers).
    except KeyboardInterrupt:
        out = getattr(args, "out", None)
        print(f"interrupted; {out} left as it was" if out else "interrupted", file=sys.stderr)
        return 130

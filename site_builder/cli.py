"""The command line: parse arguments, call the pipeline, print problems and one summary line.

No build logic lives here. Exit codes: 0 built, 1 content or template problems, 2 usage.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .cache import DEFAULT_DIR, Cache
from .errors import BuildFailed, SiteError
from .linkcheck import check_links
from .pipeline import Paths, build, load_site


def _add_paths(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--content", type=Path, default=Path("content"), help="content folder (default: content)")
    parser.add_argument("--templates", type=Path, default=Path("templates"),
                        help="templates folder (default: templates)")
    parser.add_argument("--out", type=Path, default=Path("_site"), help="output folder (default: _site)")
    parser.add_argument("--base-url", default=None,
                        help="override base_url from site.yaml, e.g. https://user.github.io/repo/")
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")


def _add_cache(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cache-dir", type=Path, default=DEFAULT_DIR,
                        help=f"where parsed files and rendered Markdown are kept between builds (default: {DEFAULT_DIR})")
    parser.add_argument("--no-cache", action="store_true", help="build from scratch, without reading or writing the cache")


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
    return parser


def print_problems(problems: list[SiteError], stream=sys.stderr) -> None:
    """Print each problem on its own line, errors and warnings alike."""
    for problem in problems:
        print(problem, file=stream)


def run_build(args: argparse.Namespace) -> int:
    """Build once; print problems and the summary line; return the exit code."""
    paths = Paths(args.content, args.templates, args.out)
    try:
        cache = Cache(None if args.no_cache else args.cache_dir)
        report = build(paths, base_url=args.base_url, strict=args.strict, cache=cache)
    except BuildFailed as failed:
        print_problems(failed.problems)
        count = len(failed.problems)
        print(f"build failed: {count} problem{'s' if count != 1 else ''}; {args.out} left unchanged",
              file=sys.stderr)
        return 1
    print_problems(report.warnings)
    print(f"built {report.pages} pages into {args.out} in {report.seconds:.2f}s"
          + (f" ({len(report.warnings)} warnings)" if report.warnings else ""))
    return 0


def run_check(args: argparse.Namespace) -> int:
    """Validate content (and, with --site, the built site's links); return the exit code."""
    try:
        site, _, warnings = load_site(args.content, strict=args.strict)
    except BuildFailed as failed:
        print_problems(failed.problems)
        print(f"check failed: {len(failed.problems)} problem(s)", file=sys.stderr)
        return 1
    print_problems(warnings)
    broken = []
    if args.site:
        if not (args.out / "index.html").is_file():
            print(f"{args.out}: no built site here; run `python build.py` first", file=sys.stderr)
            return 1
        broken = check_links(args.out, args.base_url or site.settings["base_url"])
        for link in broken:
            print(link, file=sys.stderr)
    if broken:
        print(f"check failed: {len(broken)} broken link(s)", file=sys.stderr)
        return 1
    print(f"checked {len(site.by_id)} entities" + (f" and the site in {args.out}" if args.site else "")
          + (f" ({len(warnings)} warnings)" if warnings else ": no problems"))
    return 0


COMMANDS = {"build": run_build, "check": run_check}


def main(argv: list[str] | None = None) -> int:
    """Run the command named in argv (build by default) and return its exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0].startswith("-") and argv[0] not in ("-h", "--help"):
        argv.insert(0, "build")
    args = make_parser().parse_args(argv)
    return COMMANDS[args.command or "build"](args)

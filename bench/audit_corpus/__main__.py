"""Command line of the corpus: `materialise` the copies, `score` the auditor against the labels.

python -m bench.audit_corpus materialise [--git-dir-template T] [--cache DIR] [NAME ...]
python -m bench.audit_corpus score [--json FILE] [--no-docs] [NAME ...]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bench.audit_corpus.manifest import load_manifest
from bench.audit_corpus.materialise import materialise, resolve_git_dir
from bench.audit_corpus.paths import ACCURACY_DOC, REPOS, ROOT

DEFAULT_TEMPLATE = "https://github.com/{repository}.git"


def _selected(names: list[str], synthetic: bool) -> list:
    repos = load_manifest()
    known = {r.name for r in repos}
    unknown = sorted(set(names) - known)
    if unknown:
        raise SystemExit(
            f"unknown corpus repositories: {', '.join(unknown)} (known: {', '.join(sorted(known))})"
        )
    if names:
        return [r for r in repos if r.name in names]
    return [r for r in repos if synthetic or not r.synthetic]


def materialise_command(args: argparse.Namespace) -> int:
    cache = Path(args.cache).resolve()
    for repo in _selected(args.names, synthetic=False):
        if repo.synthetic:
            continue
        git_dir = resolve_git_dir(repo, args.git_dir_template, cache)
        paths = materialise(repo, git_dir, REPOS / repo.name)
        print(f"{repo.name}: {len(paths)} files from {repo.repository}@{repo.commit[:12]}")
    return 0


def score_command(args: argparse.Namespace) -> int:
    from bench.audit_corpus.report import write_markdown
    from bench.audit_corpus.score import score_corpus, write_json

    repos = _selected(args.names, synthetic=bool(args.names))
    result = score_corpus(repos, jobs=args.jobs)
    print(result.summary_text())
    if args.json:
        write_json(result, Path(args.json))
    if not args.no_docs and not args.names:
        write_markdown(result, ACCURACY_DOC)
        print(f"wrote {ACCURACY_DOC.relative_to(ROOT)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.audit_corpus", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    mat = commands.add_parser("materialise", help="extract the trimmed copies into tests/audit/corpus/repos/")
    mat.add_argument("names", nargs="*", help="corpus repositories (default: all)")
    mat.add_argument(
        "--git-dir-template",
        default=DEFAULT_TEMPLATE,
        help="a local git folder or a clone URL, with {repository}, {owner} and {name} (default: %(default)s)",
    )
    mat.add_argument("--cache", default=str(ROOT / ".cache" / "audit-corpus"), help="where clones are kept")
    mat.set_defaults(run=materialise_command)

    sc = commands.add_parser("score", help="run scalefold check on every copy and compare with the labels")
    sc.add_argument("names", nargs="*", help="corpus repositories (default: all but the synthetic samples)")
    sc.add_argument("--json", help="also write the full result (every match and miss) to this file")
    sc.add_argument("--no-docs", action="store_true", help=f"do not rewrite {ACCURACY_DOC.name}")
    sc.add_argument("--jobs", type=int, default=2, help="repositories audited at once (default: %(default)s)")
    sc.set_defaults(run=score_command)

    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except (RuntimeError, ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())

"""Extract the trimmed copy of each corpus repository from git: only what the auditor reads.

The copy keeps sources, package manifests, lockfile presence, Dockerfiles, compose files, CI
configuration, Kubernetes manifests, configuration files and the licence; it drops documentation,
images, front-end bundles and anything the manifest excludes. Files keep their upstream path and
content, so every label's line can be checked against the repository at the recorded commit.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

from bench.audit_corpus.manifest import CorpusRepo
from bench.audit_corpus.paths import path_matches

SOURCE_MARKER = ".corpus-source.json"
MAX_KEPT_BYTES = 512 * 1024  # bigger files are bundles or data; lockfiles above it are listed as stubbed
SOURCE_SUFFIXES = (".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx")
DATA_SUFFIXES = (".json", ".yml", ".yaml")
KEPT_NAMES = (
    "LICENSE*",
    "LICENCE*",
    "COPYING*",
    "Dockerfile*",
    "*.Dockerfile",
    "*.dockerfile",
    ".dockerignore",
    ".gitignore",
    ".env*",
    "*.env",
    ".nvmrc",
    ".node-version",
    ".tool-versions",
    ".npmrc",
    "yarn.lock",
    "pnpm-lock.yaml",
    "bun.lock*",
    "Jenkinsfile",
    "Procfile",
    ".scalefold.yml",
    ".scalefold-baseline.json",
    "renovate.json*",
    ".renovaterc*",
)
DEFAULT_EXCLUDES = ("*.min.js", "*.map", ".vscode/**", ".idea/**", "**/__snapshots__/**")


@dataclass(frozen=True)
class TreeEntry:
    path: str
    size: int


def _git(git_dir: str, *args: str) -> bytes:
    done = subprocess.run(["git", "--git-dir", git_dir, *args], capture_output=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"git {' '.join(args[:2])} failed: {done.stderr.decode(errors='replace').strip()}")
    return done.stdout


def tree(git_dir: str, commit: str) -> list[TreeEntry]:
    """Every blob of ``commit`` with its size (links and submodules are left out)."""
    out = _git(git_dir, "ls-tree", "-r", "-l", "-z", commit)
    entries = []
    for record in out.split(b"\0"):
        if not record:
            continue
        meta, _, path = record.partition(b"\t")
        mode, kind, _sha, size = meta.split()
        if kind != b"blob" or mode == b"120000":
            continue
        entries.append(TreeEntry(path.decode("utf-8", errors="surrogateescape"), int(size)))
    return entries


def kept(repo: CorpusRepo, entry: TreeEntry) -> bool:
    """Whether the trimmed copy keeps this file."""
    rel = entry.path
    if any(path_matches(p, rel) for p in repo.include):
        return True
    if any(path_matches(p, rel) for p in (*DEFAULT_EXCLUDES, *repo.exclude)):
        return False
    if rel in repo.stubbed:
        return True
    if entry.size > MAX_KEPT_BYTES:
        return False
    name = rel.rsplit("/", 1)[-1]
    return (
        name.endswith(SOURCE_SUFFIXES)
        or name.endswith(DATA_SUFFIXES)
        or any(path_matches(p, name) for p in KEPT_NAMES)
    )


def stub_text(rel: str, size: int, repo: CorpusRepo) -> str:
    """A tiny stand-in for a huge lockfile: it still says "a lockfile is committed"."""
    why = f"stub: the {size}-byte lockfile of {repo.repository}@{repo.commit[:12]} is not kept in the corpus"
    if rel.endswith(".json"):
        return (
            json.dumps({"//": why, "lockfileVersion": 3, "requires": True, "packages": {}}, indent=2) + "\n"
        )
    if rel.endswith("pnpm-lock.yaml"):
        return f"# {why}\nlockfileVersion: '9.0'\n"
    return f"# {why}\n"


def materialise(repo: CorpusRepo, git_dir: str, target: Path) -> list[str]:
    """Write the trimmed copy of ``repo`` at its commit into ``target``; return the kept paths."""
    entries = [e for e in tree(git_dir, repo.commit) if kept(repo, e)]
    paths = sorted(e.path for e in entries)
    licences = () if repo.licence_commit else repo.licence_files
    missing = [p for p in (*licences, *repo.stubbed) if p not in paths]
    if missing:
        raise RuntimeError(f"{repo.name}: not in {repo.commit[:12]}: {', '.join(missing)}")
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    archive = _git(git_dir, "archive", "--format=tar", repo.commit, "--", *paths)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    for rel in repo.licence_files if repo.licence_commit else ():
        (target / rel).write_bytes(_git(git_dir, "show", f"{repo.licence_commit}:{rel}"))
    sizes = {e.path: e.size for e in entries}
    for rel in repo.stubbed:
        (target / rel).write_text(stub_text(rel, sizes[rel], repo), encoding="utf-8")
    marker = {"repository": repo.repository, "commit": repo.commit, "licence": repo.licence}
    (target / SOURCE_MARKER).write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")
    return paths


def resolve_git_dir(repo: CorpusRepo, template: str, cache: Path) -> str:
    """The git directory holding ``repo.commit``: a local folder from ``template``, or a bare partial
    clone of the URL it names, kept in ``cache``."""
    owner, name = repo.repository.split("/", 1)
    location = template.format(repository=repo.repository, owner=owner, name=name)
    local = Path(location)
    if local.is_dir():
        return str(local / ".git") if (local / ".git").is_dir() else str(local)
    clone = cache / f"{owner}+{name}.git"
    if not clone.is_dir():
        cache.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["git", "clone", "--quiet", "--bare", "--filter=blob:none", location, str(clone)], check=True
        )
    has_commit = subprocess.run(
        ["git", "--git-dir", str(clone), "cat-file", "-e", f"{repo.commit}^{{commit}}"],
        capture_output=True,
        check=False,
    )
    if has_commit.returncode != 0:
        subprocess.run(
            ["git", "--git-dir", str(clone), "fetch", "--quiet", "origin", repo.commit], check=True
        )
    return str(clone)

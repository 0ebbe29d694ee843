"""Deciding an update before anything is written: which project, which source, from which version to which.

Every refusal happens here, as one :class:`~scalefold.errors.UsageError` line, while nothing has changed:
a folder that is not a generated project, a project outside git or with uncommitted changes, an
unknown version, an unreachable source, a downgrade.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from packaging.version import Version

from scalefold.errors import UsageError
from scalefold.settings import cache_dir, load_settings, template_version
from scalefold.upgrade.answers import ANSWERS_FILE, ProjectAnswers, read_answers
from scalefold.upgrade.changelog import CHANGELOG_PATH, ChangelogEntry, entries_between, parse_changelog
from scalefold.upgrade.git import head_commit, toplevel, uncommitted
from scalefold.upgrade.source import SourceRepository, TemplateSource, open_source
from scalefold.upgrade.trust import trusted_by_copier
from scalefold.upgrade.versions import parse_version, release_tags, require_tag, resolve_tag


@dataclass(frozen=True)
class UpdateRequest:
    project: Path
    #: ``--to``: a version tag (``v0.2.0`` or ``0.2.0``); ``None`` means this scalefold's version.
    to: str | None = None
    #: ``--template-source``: read (and from now on record) the template from here.
    template_source: str | None = None
    #: ``--trust``: run the template's migrations whatever its source.
    trust: bool = False


@dataclass(frozen=True)
class UpdatePlan:
    project: Path
    #: The root of the git work tree holding the project (the project itself, or a monorepo).
    repository_root: Path
    head: str
    answers: ProjectAnswers
    #: Where the template is read from, and recorded afterwards.
    source: TemplateSource
    #: Where the project's answers say the template came from.
    recorded_source: TemplateSource
    template: SourceRepository
    current: str
    target: str
    #: Whether Copier may run the template's migrations (the configured source, or --trust).
    trusted: bool
    changelog: list[ChangelogEntry] = field(default_factory=list)

    @property
    def current_version(self) -> Version | None:
        return parse_version(self.current)

    @property
    def target_version(self) -> Version | None:
        return parse_version(self.target)

    @property
    def up_to_date(self) -> bool:
        if self.current == self.target:
            return True
        return self.current_version is not None and self.current_version == self.target_version

    @property
    def switches_source(self) -> bool:
        return not self.source.same_as(self.recorded_source)


def _project_folder(path: Path) -> Path:
    if not path.exists():
        raise UsageError(f"{path} does not exist")
    if not path.is_dir():
        raise UsageError(f"{path} is not a folder")
    return path.resolve()


def _repository(project: Path) -> tuple[Path, str]:
    root = toplevel(project)
    if root is None:
        raise UsageError(f"{project} is not in a git repository; commit it to git first, so the update can merge with your work")
    head = head_commit(root)
    if head is None:
        raise UsageError(f"{project} has no commit yet; commit it first, so the update can merge with your work")
    pending = uncommitted(project)
    if pending:
        more = f" and {len(pending) - 1} more" if len(pending) > 1 else ""
        raise UsageError(
            f"{project} has uncommitted changes ({pending[0]}{more}); commit or stash them first, "
            "so the update's changes can be reviewed and undone on their own"
        )
    return root, head


def _sources(request: UpdateRequest, answers: ProjectAnswers) -> tuple[TemplateSource, TemplateSource, bool]:
    """The source to read from, the recorded one, and whether the source is trusted."""
    if not answers.src_path and not request.template_source:
        raise UsageError(f"{answers.path} does not record where its template came from (_src_path); pass --template-source")
    if not answers.commit:
        raise UsageError(
            f"{answers.path} does not record its template version (_commit); set it to the version the project "
            "was generated with (e.g. _commit: v0.1.0), commit, and run the update again"
        )
    project = answers.path.parent
    recorded = TemplateSource.parse(answers.src_path or request.template_source or "", relative_to=project)
    source = TemplateSource.parse(request.template_source, relative_to=Path.cwd()) if request.template_source else recorded
    configured = TemplateSource.parse(load_settings(request.template_source).template_source)
    trusted = request.trust or source.same_as(configured) or trusted_by_copier(source)
    return source, recorded, trusted


def _open(source: TemplateSource, from_record: bool) -> SourceRepository:
    try:
        return open_source(source, cache_dir())
    except UsageError as exc:
        if from_record:
            raise UsageError(
                f"{exc} (recorded in {ANSWERS_FILE}); pass --template-source with a reachable git URL or a local clone"
            ) from None
        raise


def _offline_note(template: SourceRepository) -> str:
    return "" if template.refreshed else f" (could not refresh {template.source}; its cached copy was used)"


def _target(request: UpdateRequest, template: SourceRepository) -> str:
    tags = template.tags()
    if request.to:
        try:
            return require_tag(request.to, tags, str(template.source))
        except UsageError as exc:
            raise UsageError(f"{exc}{_offline_note(template)}") from None
    installed = template_version()
    tag = resolve_tag(installed, tags)
    if tag is None:
        known = ", ".join(release_tags(tags)[-8:]) or "no version tags"
        raise UsageError(
            f"{template.source} has no tag {installed} (this scalefold's template version); "
            f"pass --to VERSION ({known}){_offline_note(template)}"
        )
    return tag


def plan_update(request: UpdateRequest) -> UpdatePlan:
    """Check everything an update needs and resolve its versions, writing nothing."""
    project = _project_folder(request.project)
    answers = read_answers(project)
    root, head = _repository(project)
    source, recorded, trusted = _sources(request, answers)
    template = _open(source, from_record=request.template_source is None)
    target = _target(request, template)
    current = str(answers.commit)
    if not template.has_commit(current):
        raise UsageError(
            f"the project's template version {current} is not in {source}{_offline_note(template)}; "
            "its three-way merge needs that version"
        )
    plan = UpdatePlan(project, root, head, answers, source, recorded, template, current, target, trusted)
    current_version, target_version = plan.current_version, plan.target_version
    if current_version is not None and target_version is not None and target_version < current_version:
        raise UsageError(
            f"the project is at template version {current}, newer than {target}; downgrades are not supported "
            "(upgrade scalefold, or pass --to VERSION)"
        )
    if target_version is not None:
        text = template.read(target, CHANGELOG_PATH)
        entries = entries_between(parse_changelog(text), current_version, target_version) if text else []
        plan = replace(plan, changelog=entries)
    return plan

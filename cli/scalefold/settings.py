"""User settings: where the template comes from, and where scalefold keeps its cache.

The template source is the git repository whose tags version the template. ``scalefold new`` records
it in a project's ``.copier-answers.yml`` so that ``scalefold update`` and plain ``copier update`` can
fetch the template's later versions from it. An organisation that hosts its own fork points every
new project at the fork with one setting. The first of these wins:

1. ``--template-source`` on the command line;
2. the ``SCALEFOLD_TEMPLATE_SOURCE`` environment variable;
3. ``template_source`` in the config file (``SCALEFOLD_CONFIG``, or ``config.toml`` in the user's
   config folder, e.g. ``~/.config/scalefold/config.toml``);
4. the public repository.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_cache_path, user_config_path

from scalefold import __version__
from scalefold.errors import UsageError

DEFAULT_TEMPLATE_SOURCE = "https://github.com/scalefold/scalefold.git"
TEMPLATE_SOURCE_ENV = "SCALEFOLD_TEMPLATE_SOURCE"
CONFIG_ENV = "SCALEFOLD_CONFIG"
CACHE_ENV = "SCALEFOLD_CACHE_DIR"


@dataclass(frozen=True)
class Settings:
    template_source: str
    #: Where ``template_source`` came from, for messages: an option, a variable, a file or "default".
    template_source_origin: str


def config_file() -> Path:
    override = os.environ.get(CONFIG_ENV)
    if override:
        return Path(override).expanduser()
    return user_config_path("scalefold", appauthor=False) / "config.toml"


def cache_dir() -> Path:
    """Where scalefold keeps local mirrors of remote template sources."""
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override).expanduser()
    return user_cache_path("scalefold", appauthor=False)


def _from_config_file(path: Path) -> str | None:
    if not path.is_file():
        return None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"cannot read the scalefold config file {path}: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"the scalefold config file {path} is not valid TOML: {exc}") from None
    value = data.get("template_source")
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise UsageError(f"template_source in {path} must be a non-empty string (a git URL or a folder)")
    return value.strip()


def load_settings(template_source: str | None = None) -> Settings:
    """The settings in force, ``template_source`` being the command line's ``--template-source``."""
    if template_source:
        return Settings(template_source, "--template-source")
    from_env = os.environ.get(TEMPLATE_SOURCE_ENV, "").strip()
    if from_env:
        return Settings(from_env, TEMPLATE_SOURCE_ENV)
    path = config_file()
    from_file = _from_config_file(path)
    if from_file:
        return Settings(from_file, str(path))
    return Settings(DEFAULT_TEMPLATE_SOURCE, "default")


def template_version(version: str = __version__) -> str:
    """The git tag of the template that scalefold ``version`` carries: releases are tagged ``vX.Y.Z``."""
    return f"v{version}"

"""The labelled corpus of real Node.js backends that measures `scalefold check`.

    python -m bench.audit_corpus materialise --git-dir-template 'https://github.com/{repository}.git'
    python -m bench.audit_corpus score

`tests/audit/corpus/manifest.yml` names each public repository, the commit and its licence, and
what of it the auditor reads; `materialise` extracts that trimmed copy into
`tests/audit/corpus/repos/<name>/`. `tests/audit/corpus/labels/<name>.yml` says, rule by rule and
from reading the code, where a reviewer wants a finding and where none belongs. `score` runs
`scalefold check --format json` on every copy, matches the findings to the labels and writes
per-rule precision and recall to `docs/auditor-accuracy.md`.
"""

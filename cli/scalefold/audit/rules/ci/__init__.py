"""CI rules: the GitHub Actions pipeline that tests, audits, builds and deploys the service."""

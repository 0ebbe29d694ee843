"""Parsers that turn a project's files into models the rules read (never regular-expression greps)."""

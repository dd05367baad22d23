"""Policies as data: loading files, revisions, and the reading pages."""

"""Pieces shared by every domain: model types, audit log, i18n, security headers, mail."""

"""Accounts: people, their participant profile, sessions and API tokens."""

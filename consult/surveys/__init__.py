"""Structured surveys per policy section."""

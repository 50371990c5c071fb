"""Support features: .eml export, support bundle, log search, incoming routing check.

Nothing here imports Textual; the TUI calls these functions from its workers.
"""

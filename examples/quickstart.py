"""Placeholder main job until the CLI lands: replaced by `ppeval demo`."""

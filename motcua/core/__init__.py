"""Shared kernel: base model, errors, text folding, jobs on commit, access markers.

Imports no other motcua app."""

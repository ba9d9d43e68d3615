"""Micro Party lessons (微党课): writing, pushing, studying, make-ups and home delivery."""

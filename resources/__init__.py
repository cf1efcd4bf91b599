"""Footnote's shipped data: icons, styles and the demo archive's files.

A package so that ``importlib.resources`` finds it, installed or frozen.
"""

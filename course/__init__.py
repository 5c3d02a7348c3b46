"""Shared, tested code for the clinician course: data loading, analysis, plots, widgets and checks."""

__version__ = "0.1.0"

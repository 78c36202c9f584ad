"""Calibration to the reported figures (seeds/targets.yaml): config, targets and mapping, fit, report."""

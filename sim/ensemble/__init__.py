"""Ensembles: one scenario run N times over seeds (and draws from a calibration's posterior), each member
stored as it finishes, summarised as mean and 5-50-95% quantiles per outcome and period.

``members.py`` which runs (seed, parameter draw); ``tables.py`` one member's outcomes as long rows;
``store.py`` the resumable directory; ``summary.py`` quantiles, effects and the observed comparison;
``run.py`` runs an ensemble on local processes or Dask (the sweep's :class:`sim.sweep.execute.Workers`).
"""

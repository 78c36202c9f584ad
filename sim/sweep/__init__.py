"""Parameter sweeps: vary scenario parameters and policy levers over a design, run each point
(with replicates) on local processes or a Dask cluster, store the runs, and analyse sensitivity.
"""

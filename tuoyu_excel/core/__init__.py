"""The pure core: the pipeline over a folder, scoring, and the per-kind evaluations."""

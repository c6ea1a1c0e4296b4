"""The rubric specification: the model, TOML loading and dumping, self-checks. No I/O of workbooks."""

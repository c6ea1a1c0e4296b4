"""The desktop window: build a job's parameters from the form, show its outcome."""

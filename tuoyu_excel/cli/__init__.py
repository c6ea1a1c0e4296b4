"""The command line: build a job's parameters from arguments, show its outcome."""

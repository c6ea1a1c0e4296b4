"""The jobs: one function per job, one parameters object in, one outcome out. The CLI and the window call these."""

"""Data for development and benchmarks: the demo (`seed_demo`, for `make run`) with its history,
and the scale data set (`seed_scale`, for the benchmark)."""

"""Developer tools, outside the product package: benchmarks (`make bench`), the synthetic corpus, PDF printing for tests."""

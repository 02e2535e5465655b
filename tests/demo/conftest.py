"""The demo data tests use `demo` (the loaded demo, each test in a savepoint) from
tests/conftest.py, where the demo is loaded once per test process and kept as a snapshot."""

"""A stateful simulator of the Toggl Track v9 and Focus APIs (see tests/simulator/README.md)."""

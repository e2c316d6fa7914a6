"""Sync between village servers and the district server.

The model (docs/sync.md): learner events are immutable and merge by union; each server numbers
the events it creates (origin node, sequence); a bundle carries "what you lack beyond your
vector", signed by its sender and, on a USB stick, sealed to its receiver.

This package's `identity` and `bundle` modules are pure Python (no Flask): they can be tested
and reasoned about without a server.
"""

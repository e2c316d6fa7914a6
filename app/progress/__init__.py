"""Learner progress: `record` is the one place that writes events; `derive` computes
lesson states, mastery and test results from them (pure Python, no Flask, no database)."""

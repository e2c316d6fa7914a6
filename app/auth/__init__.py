"""Signing in and out, self-registration, language choice; role guards for other blueprints."""

from .views import bp

__all__ = ["bp"]

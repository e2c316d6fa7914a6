"""The akimat's coordinators: the whole district's villages and figures."""

from .views import bp

__all__ = ["bp"]

"""A class session on a shared village-centre computer: learners tap their name and type their PIN."""

from .views import bp

__all__ = ["bp"]

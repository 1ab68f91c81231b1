"""verify: check a stored copy of a news article against its archived original and its cited sources."""

__version__ = "0.1.0"

"""briefing: turn a day's news articles into a dated, cited intelligence brief."""

__version__ = "0.1.0"

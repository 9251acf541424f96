"""榜样 (bangyang): a static site generator for civic publicity offices."""

__version__ = "0.1.0"

"""Detente: raw news pages in, cited event data out."""
__version__ = "0.1.0"

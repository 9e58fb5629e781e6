"""Data shipped with the package: default configuration and lexicons."""

"""hvsim.config package."""

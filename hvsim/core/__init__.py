"""hvsim.core package."""

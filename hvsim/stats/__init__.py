"""hvsim.stats package."""

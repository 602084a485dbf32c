"""hvsim.mem package."""

"""hvsim.hv package."""

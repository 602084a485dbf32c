"""hvsim.devices package."""

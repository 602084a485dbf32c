"""hvsim.hv.sbi package."""

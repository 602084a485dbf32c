"""hvsim.sched package."""

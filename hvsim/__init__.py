"""hvsim: a discrete-event, multi-VM RISC-V hypervisor simulator.

Layers (see docs in README.md and the module docstrings):
``hvsim.isa`` encodings/decoder, ``hvsim.core`` the hart, ``hvsim.mem`` physical memory,
``hvsim.devices`` device models, ``hvsim.hv`` the hypervisor, ``hvsim.sched`` schedulers,
``hvsim.stats`` statistics, ``hvsim.config`` scenario files, ``hvsim.loader`` images.
"""

__version__ = "0.1.0"

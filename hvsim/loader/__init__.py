"""Program image loading (ELF and raw binaries) for bare-metal machines and VMs."""

from hvsim.loader.elf import ElfImage, LoaderError, Segment, load_elf, load_raw, read_file

__all__ = ["ElfImage", "LoaderError", "Segment", "load_elf", "load_raw", "read_file"]

"""Bit-field constants of the privileged architecture (status registers, PTEs, address modes).

riscv-opcodes carries instruction encodings, CSR numbers and cause codes (generated into
:mod:`hvsim.isa.encoding`) but not CSR field layouts; those are written here once, with the
privileged-specification names.
"""

from __future__ import annotations

M64 = (1 << 64) - 1
SIGN64 = 1 << 63
M32 = (1 << 32) - 1
SIGN32 = 1 << 31

PRV_U = 0
PRV_S = 1
PRV_M = 3

# mstatus / sstatus / vsstatus
MSTATUS_SIE = 1 << 1
MSTATUS_MIE = 1 << 3
MSTATUS_SPIE = 1 << 5
MSTATUS_UBE = 1 << 6
MSTATUS_MPIE = 1 << 7
MSTATUS_SPP = 1 << 8
MSTATUS_VS = 3 << 9
MSTATUS_MPP_SHIFT = 11
MSTATUS_MPP = 3 << MSTATUS_MPP_SHIFT
MSTATUS_FS = 3 << 13
MSTATUS_XS = 3 << 15
MSTATUS_MPRV = 1 << 17
MSTATUS_SUM = 1 << 18
MSTATUS_MXR = 1 << 19
MSTATUS_TVM = 1 << 20
MSTATUS_TW = 1 << 21
MSTATUS_TSR = 1 << 22
MSTATUS_UXL = 3 << 32
MSTATUS_SXL = 3 << 34
MSTATUS_SBE = 1 << 36
MSTATUS_MBE = 1 << 37
MSTATUS_GVA = 1 << 38
MSTATUS_MPV = 1 << 39
MSTATUS_SD = 1 << 63

XLEN64 = 2  # the value of the UXL/SXL/VSXL fields for a 64-bit mode
MSTATUS_XL_FIXED = (XLEN64 << 32) | (XLEN64 << 34)

MSTATUS_WRITABLE = (
    MSTATUS_SIE
    | MSTATUS_MIE
    | MSTATUS_SPIE
    | MSTATUS_MPIE
    | MSTATUS_SPP
    | MSTATUS_MPP
    | MSTATUS_FS
    | MSTATUS_MPRV
    | MSTATUS_SUM
    | MSTATUS_MXR
    | MSTATUS_TVM
    | MSTATUS_TW
    | MSTATUS_TSR
    | MSTATUS_GVA
    | MSTATUS_MPV
)
SSTATUS_VIEW = (
    MSTATUS_SIE
    | MSTATUS_SPIE
    | MSTATUS_UBE
    | MSTATUS_SPP
    | MSTATUS_VS
    | MSTATUS_FS
    | MSTATUS_XS
    | MSTATUS_SUM
    | MSTATUS_MXR
    | MSTATUS_UXL
    | MSTATUS_SD
)
SSTATUS_WRITABLE = MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_FS | MSTATUS_SUM | MSTATUS_MXR

# hstatus
HSTATUS_VSBE = 1 << 5
HSTATUS_GVA = 1 << 6
HSTATUS_SPV = 1 << 7
HSTATUS_SPVP = 1 << 8
HSTATUS_HU = 1 << 9
HSTATUS_VGEIN = 0x3F << 12
HSTATUS_VTVM = 1 << 20
HSTATUS_VTW = 1 << 21
HSTATUS_VTSR = 1 << 22
HSTATUS_VSXL = 3 << 32
HSTATUS_WRITABLE = (
    HSTATUS_GVA
    | HSTATUS_SPV
    | HSTATUS_SPVP
    | HSTATUS_HU
    | HSTATUS_VTVM
    | HSTATUS_VTW
    | HSTATUS_VTSR
)

# menvcfg / henvcfg / senvcfg
ENVCFG_FIOM = 1 << 0
ENVCFG_STCE = 1 << 63

# counters: mcounteren / scounteren / hcounteren / mcountinhibit bit numbers
COUNTER_CY = 1 << 0
COUNTER_TM = 1 << 1
COUNTER_IR = 1 << 2

# satp / vsatp / hgatp
ATP_MODE_SHIFT = 60
ATP_MODE_BARE = 0
ATP_MODE_SV39 = 8
ATP_MODE_SV48 = 9
SATP_ASID_SHIFT = 44
SATP_ASID_MASK = 0xFFFF << SATP_ASID_SHIFT
ATP_PPN_MASK = (1 << 44) - 1
HGATP_VMID_SHIFT = 44

# Page-table entries
PTE_V = 1 << 0
PTE_R = 1 << 1
PTE_W = 1 << 2
PTE_X = 1 << 3
PTE_U = 1 << 4
PTE_G = 1 << 5
PTE_A = 1 << 6
PTE_D = 1 << 7
PTE_PPN_SHIFT = 10
PTE_PPN_MASK = ((1 << 44) - 1) << PTE_PPN_SHIFT
PTE_RESERVED = ((1 << 10) - 1) << 54  # N, PBMT and reserved bits: no Svnapot/Svpbmt here

PA_BITS = 56

# Access kinds used by the MMU and the fault-cause tables.
ACC_FETCH = 0
ACC_LOAD = 1
ACC_STORE = 2

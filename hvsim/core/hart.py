"""The hart: architectural state, the batch execution loop, trap entry and interrupts.

``Hart.run(budget)`` executes up to ``budget`` instructions and returns ``(retired, reason)``.
It looks blocks up in a per-translation-context *jump cache* (guest pc -> compiled block),
calls them, and between blocks services whatever set :attr:`Hart.flag`: a CSR write that
changed the translation context or interrupt state, a device that raised a line, a stop or
yield request, WFI.  Nothing is checked per instruction.

Implementation choices (where the spec leaves room):

* RV64IMAFDC + Zicsr + Zifencei + Zicntr + Sstc + H, privilege modes M, S(HS), U, VS, VU.
  The FP state (f0-f31, fflags, frm) and the mstatus.FS/vsstatus.FS rules are described in
  :mod:`hvsim.core.fpstate`, the arithmetic in :mod:`hvsim.core.fpu`.
* Misaligned loads and stores are performed in hardware (split when they cross a page), like
  QEMU; misaligned LR/SC/AMO raise address-misaligned exceptions (load-misaligned for LR,
  store/AMO-misaligned otherwise).  MMIO accesses must be naturally aligned (else access fault).
* A/D bits are updated by hardware (see :mod:`hvsim.core.mmu`); PMP is storage only.
* An SC succeeds when the reservation (set by LR, cleared by any SC, trap and xRET) covers the
  same address and size *and* memory still holds the value LR read, so stores by other harts
  between LR and SC make it fail (QEMU does the same).
* Counters: mcycle counts instructions plus idle cycles given by the clock (CPI = 1); a CSR
  write to mcycle/minstret takes precedence over the writing instruction's own increment.
* ``mtval``/``stval`` get the faulting address for address faults, the instruction bits for
  illegal and virtual instructions, and the pc for EBREAK (as Spike).
* With ``vmexit_enabled`` (a hypervisor attached), a trap that goes from V=1 to HS performs the
  complete hardware trap entry and then ends the batch with :attr:`StopReason.VMEXIT`.

Guest memory accesses take a fast path inside compiled blocks: per-context dicts ``tr``/``tw``
map a virtual page address (``va & ~0xFFF``) to (RAM byte offset of the page - page virtual
address), filled by the slow paths below after a successful translation.  ``tw`` never holds
code or watched pages.  Generated code looks an access up with the address masked by
``~0xFFF | (size - 1)``, so a misaligned address finds no entry and takes the slow path (see
:mod:`hvsim.core.insns.rv64i`).
"""

from __future__ import annotations

from typing import TextIO

from hvsim.core import bits as B
from hvsim.core import csr as C
from hvsim.core import fpstate, mmu
from hvsim.core.clock import Clock, InstructionClock
from hvsim.core.codecache import CodeCache
from hvsim.core.insns.rv64a import amo_compute
from hvsim.core.insns.rv64fd import HELPERS as FP_HELPERS
from hvsim.core.trap import (
    INTERRUPT_BIT,
    IRQ_LCOF,
    IRQ_M_EXT,
    IRQ_M_SOFT,
    IRQ_M_TIMER,
    IRQ_S_EXT,
    IRQ_S_GEXT,
    IRQ_S_SOFT,
    IRQ_S_TIMER,
    IRQ_VS_EXT,
    IRQ_VS_SOFT,
    IRQ_VS_TIMER,
    MIP_STIP,
    MIP_VSTIP,
    BusError,
    StopReason,
    Trap,
)
from hvsim.isa import encoding as E
from hvsim.mem.phys import PhysMem

M64 = B.M64
#: A data-TLB key: the page address of a virtual address (``va & PAGE_KEY``).
PAGE_KEY = M64 & ~0xFFF
PRV_U, PRV_S, PRV_M = B.PRV_U, B.PRV_S, B.PRV_M
MSTATUS_SIE, MSTATUS_SPIE, MSTATUS_SPP = B.MSTATUS_SIE, B.MSTATUS_SPIE, B.MSTATUS_SPP
MSTATUS_MPRV = B.MSTATUS_MPRV
HSTATUS_SPV, HSTATUS_SPVP, HSTATUS_GVA = B.HSTATUS_SPV, B.HSTATUS_SPVP, B.HSTATUS_GVA

#: Interrupt priority, highest first (privileged spec: MEI, MSI, MTI, SEI, SSI, STI, SGEI,
#: VSEI, VSSI, VSTI, LCOFI).
IRQ_PRIORITY = (
    IRQ_M_EXT,
    IRQ_M_SOFT,
    IRQ_M_TIMER,
    IRQ_S_EXT,
    IRQ_S_SOFT,
    IRQ_S_TIMER,
    IRQ_S_GEXT,
    IRQ_VS_EXT,
    IRQ_VS_SOFT,
    IRQ_VS_TIMER,
    IRQ_LCOF,
)
VS_IRQS = {IRQ_VS_SOFT, IRQ_VS_TIMER, IRQ_VS_EXT}

#: Exceptions whose tval is a (guest) virtual address: GVA is set when taken from V=1.
ADDRESS_CAUSES = frozenset(
    {
        E.CAUSE_MISALIGNED_FETCH,
        E.CAUSE_FETCH_ACCESS,
        E.CAUSE_BREAKPOINT,
        E.CAUSE_MISALIGNED_LOAD,
        E.CAUSE_LOAD_ACCESS,
        E.CAUSE_MISALIGNED_STORE,
        E.CAUSE_STORE_ACCESS,
        E.CAUSE_FETCH_PAGE_FAULT,
        E.CAUSE_LOAD_PAGE_FAULT,
        E.CAUSE_STORE_PAGE_FAULT,
        E.CAUSE_FETCH_GUEST_PAGE_FAULT,
        E.CAUSE_LOAD_GUEST_PAGE_FAULT,
        E.CAUSE_STORE_GUEST_PAGE_FAULT,
    }
)

TARGET_M, TARGET_HS, TARGET_VS = 3, 1, 2
BARE_CONTEXT = ("bare",)
#: The mstatus and vsstatus bits translation contexts depend on (MPRV/MPP/MPV pick the data
#: privilege; SUM and MXR change permissions).
#: FS is among them for the FP fast paths' ``fpr`` (see :mod:`hvsim.core.fpstate`), which
#: _refresh_context recomputes too.
CONTEXT_MSTATUS = (
    B.MSTATUS_MPRV | B.MSTATUS_MPP | B.MSTATUS_MPV | B.MSTATUS_SUM | B.MSTATUS_MXR | B.MSTATUS_FS
)
CONTEXT_VSSTATUS = B.MSTATUS_SUM | B.MSTATUS_MXR | B.MSTATUS_FS
MAX_CONTEXTS = 64


class Hart:
    """One RISC-V hart.  See the module docstring for the execution model."""

    #: What the last _refresh_context chose: (its inputs, the fetch table, data key, data
    #: dicts); _service skips the refresh while they still hold.
    _context_memo: tuple = ((), None, None, None)

    def __init__(
        self,
        mem: PhysMem,
        hartid: int = 0,
        clock: Clock | None = None,
        vmidlen: int = 14,
    ) -> None:
        self.mem = mem
        self.hartid = hartid
        if clock is None:
            clock = InstructionClock()
        self.clock = clock
        attach = getattr(clock, "attach", None)
        if attach is not None and getattr(clock, "_counter", None) is None:
            attach(self)
        self.vmidlen = vmidlen
        self.trace: TextIO | None = None
        self.vmexit_enabled = False
        self.code_cache = CodeCache.for_memory(mem, self)
        self.reset()

    # ---- state ----------------------------------------------------------------------------
    def reset(self, pc: int = 0) -> None:
        self.x = [0] * 32
        fpstate.reset(self)  # f, fflags, frm, fpr
        self.pc = pc
        self.priv = B.PRV_M
        self.virt = False
        self.mstatus = 0
        self.vsstatus = 0
        self.hstatus = 0
        self.medeleg = self.hedeleg = 0
        self.mideleg = C.MIDELEG_FORCED
        self.hideleg = 0
        self.mie = self.mip = self.hvip = 0
        self.ext_lines = 0  # interrupt lines driven by devices (MTIP, MSIP, MEIP, SEIP)
        self.stimer = self.vstimer = False
        self.mtvec = self.stvec = self.vstvec = 0
        self.mepc = self.sepc = self.vsepc = 0
        self.mcause = self.scause = self.vscause = 0
        self.mtval = self.stval = self.vstval = self.mtval2 = self.mtinst = 0
        self.htval = self.htinst = 0
        self.mscratch = self.sscratch = self.vsscratch = 0
        self.mcounteren = self.scounteren = self.hcounteren = 0
        self.mcountinhibit = 0
        self.menvcfg = self.senvcfg = self.henvcfg = 0
        self.satp = self.vsatp = self.hgatp = 0
        self.htimedelta = 0
        self.stimecmp = self.vstimecmp = M64
        self.pmpcfg = [0] * 8
        self.pmpaddr = [0] * 64
        self.reservation: tuple[int, int, int] | None = None
        # counters: value = base + (source - mark) while counting
        self.retired = 0  # instructions retired before the running batch
        self.cur_n = 0  # instructions retired so far in the running batch (set by slow paths)
        self._ctr_base = [0, 0, 0]
        self._ctr_mark = [0, 0, 0]
        # execution-loop plumbing
        self.flag = True
        self.stop_request: StopReason | None = None
        self.wfi = False
        self.vmexit = False
        self.trap_idx = 0
        self.trap_pc = 0
        self.budget = 0
        self.loop_n = 0
        # translation statistics (slow paths only): fast-TLB misses, walks, PTEs read per stage
        self.tlb_misses = 0
        self.walks = self.pte_reads = self.g_walks = self.g_pte_reads = 0
        self.in_csr_insn = False  # a CSR write comes from an instruction (not the host)
        self.trap_count = 0  # synchronous exceptions taken (each also costs one budget unit)
        self.csr_num = 0
        self.fctx: dict[tuple, tuple[dict, dict]] = {}
        self.dctx: dict[tuple, tuple[dict, dict]] = {}
        self.jc: dict[int, tuple] = {}
        self.tx: dict[int, int] = {}
        self.tr: dict[int, int] = {}
        self.tw: dict[int, int] = {}
        self.data_priv = B.PRV_M
        self.data_virt = False
        self._refresh_context()

    # ---- public control interface ---------------------------------------------------------
    def retired_now(self) -> int:
        """Instructions retired so far, including those of the running batch."""
        return self.retired + self.cur_n

    def state_changed(self) -> None:
        """Something the dispatcher caches changed: re-read it before the next block."""
        self.flag = True

    def set_pending(self, mask: int, level: bool) -> None:
        """Drive device interrupt lines (MTIP, MSIP, MEIP, SEIP)."""
        new = (self.ext_lines | mask) if level else (self.ext_lines & ~mask)
        if new != self.ext_lines:
            self.ext_lines = new
            self.flag = True

    def request_stop(self) -> None:
        """End the running batch at the next block boundary with StopReason.HALT."""
        self.stop_request = StopReason.HALT
        self.flag = True

    def request_yield(self) -> None:
        """End the running batch at the next block boundary with StopReason.YIELD."""
        if self.stop_request is None:
            self.stop_request = StopReason.YIELD
        self.flag = True

    def csr_read(self, num: int) -> int:
        return C.TABLE[num].read(self)

    def csr_write(self, num: int, value: int) -> None:
        d = C.TABLE[num]
        if d.write is None:
            raise ValueError(f"CSR {d.name} is read-only")
        d.write(self, value & M64)

    # ---- timers (Sstc) --------------------------------------------------------------------
    def update_timers(self) -> None:
        now = self.clock.mtime()
        stimer = self.stimecmp <= now
        vstimer = self.vstimecmp <= (now + self.htimedelta) & M64
        if stimer != self.stimer or vstimer != self.vstimer:
            self.stimer, self.vstimer = stimer, vstimer
            self.flag = True

    def timers_changed(self) -> None:
        self.update_timers()
        self.request_yield()  # the driver bounds batches by the (new) next deadline

    def next_timer_deadline(self) -> int | None:
        """Earliest future Sstc deadline (mtime ticks) that would raise STIP/VSTIP."""
        deadlines = []
        if self.menvcfg & B.ENVCFG_STCE:
            if not self.stimer:
                deadlines.append(self.stimecmp)
            if self.henvcfg & B.ENVCFG_STCE and not self.vstimer:
                deadlines.append((self.vstimecmp - self.htimedelta) & M64)
        return min(deadlines) if deadlines else None

    # ---- counters -------------------------------------------------------------------------
    def _counter_source(self, index: int) -> int:
        return self.clock.cycles() if index == 0 else self.retired_now()

    def counter_value(self, index: int) -> int:
        if self.mcountinhibit & (1 << index):
            return self._ctr_base[index]
        return (self._ctr_base[index] + self._counter_source(index) - self._ctr_mark[index]) & M64

    def counter_write(self, index: int, value: int) -> None:
        self._ctr_base[index] = value & M64
        # a CSR instruction's write takes precedence over its own increment
        self._ctr_mark[index] = self._counter_source(index) + (1 if self.in_csr_insn else 0)

    def set_countinhibit(self, value: int) -> None:
        for index in (0, 2):
            bit = 1 << index
            if value & bit and not self.mcountinhibit & bit:
                self._ctr_base[index] = self.counter_value(index)
            elif not value & bit and self.mcountinhibit & bit:
                self._ctr_mark[index] = self._counter_source(index)
        self.mcountinhibit = value

    # ---- interrupts -----------------------------------------------------------------------
    def pending_bits(self) -> int:
        """The effective mip: software bits, device lines, hvip and Sstc timers."""
        p = self.mip | self.ext_lines | (self.hvip & C.VS_INTS)
        if self.menvcfg & B.ENVCFG_STCE:
            p = (p & ~MIP_STIP) | (MIP_STIP if self.stimer else 0)
            if self.henvcfg & B.ENVCFG_STCE and self.vstimer:
                p |= MIP_VSTIP
        return p

    def pending_interrupt(self) -> tuple[int, int] | None:
        """(interrupt number, target level) of the interrupt to take now, if any."""
        p = self.pending_bits() & self.mie
        if not p:
            return None
        priv, virt = self.priv, self.virt
        m = p & ~self.mideleg
        if m and (priv < B.PRV_M or self.mstatus & B.MSTATUS_MIE):
            return _highest(m), TARGET_M
        hs = p & self.mideleg & ~self.hideleg
        if hs and (virt or priv < B.PRV_S or (priv == B.PRV_S and self.mstatus & B.MSTATUS_SIE)):
            return _highest(hs), TARGET_HS
        vs = p & self.mideleg & self.hideleg
        if vs and virt and (priv == B.PRV_U or self.vsstatus & B.MSTATUS_SIE):
            return _highest(vs), TARGET_VS
        return None

    # ---- trap entry and return ------------------------------------------------------------
    def take_trap(self, trap: Trap) -> None:
        """Synchronous exception at ``self.pc``: pick M/HS/VS by delegation and enter it."""
        cause = trap.cause
        bit = 1 << cause
        target = TARGET_M
        if self.priv != PRV_M and self.medeleg & bit:
            target = TARGET_VS if self.virt and self.hedeleg & bit else TARGET_HS
        gva = trap.gva or (self.virt and cause in ADDRESS_CAUSES)
        self._enter(target, cause, False, trap.tval, trap.tval2, trap.tinst, gva)

    def take_interrupt(self, irq: int, target: int) -> None:
        cause = irq - 1 if target == TARGET_VS and irq in VS_IRQS else irq
        self._enter(target, cause, True, 0, 0, 0, False)

    def _enter(
        self,
        target: int,
        cause: int,
        interrupt: bool,
        tval: int,
        tval2: int,
        tinst: int,
        gva: bool,
    ) -> None:
        """The hardware trap entry into ``target`` (the privileged spec's xcause/xepc/xtval,
        the status stack push, hstatus.SPV/SPVP/GVA for HS, mstatus.MPV/GVA for M)."""
        priv, virt = self.priv, self.virt
        epc = self.pc
        xcause = cause | INTERRUPT_BIT if interrupt else cause
        if target == TARGET_HS:  # first: every VM exit comes this way
            self.scause, self.sepc, self.stval = xcause, epc, tval
            self.htval, self.htinst = tval2, tinst
            hs = self.hstatus & ~(HSTATUS_SPV | HSTATUS_GVA)
            if virt:
                hs = (hs | HSTATUS_SPV) & ~HSTATUS_SPVP
                if priv == PRV_S:
                    hs |= HSTATUS_SPVP
            if gva:
                hs |= HSTATUS_GVA
            self.hstatus = hs
            st = self.mstatus  # _push_s, inlined
            pushed = st & ~(MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE)
            if st & MSTATUS_SIE:
                pushed |= MSTATUS_SPIE
            if priv != PRV_U:
                pushed |= MSTATUS_SPP
            self.mstatus = pushed
            self.priv, self.virt = PRV_S, False
            tvec = self.stvec
            if virt and self.vmexit_enabled:
                self.vmexit = True
        elif target == TARGET_VS:
            self.vscause, self.vsepc, self.vstval = xcause, epc, tval
            self.vsstatus = _push_s(self.vsstatus, priv)
            self.priv = PRV_S
            tvec = self.vstvec
        else:
            self.mcause, self.mepc, self.mtval = xcause, epc, tval
            self.mtval2, self.mtinst = tval2, tinst
            st = self.mstatus & ~(
                B.MSTATUS_MPP | B.MSTATUS_MPIE | B.MSTATUS_MIE | B.MSTATUS_MPV | B.MSTATUS_GVA
            )
            if self.mstatus & B.MSTATUS_MIE:
                st |= B.MSTATUS_MPIE
            st |= priv << B.MSTATUS_MPP_SHIFT
            if virt:
                st |= B.MSTATUS_MPV
            if gva:
                st |= B.MSTATUS_GVA
            self.mstatus = st
            self.priv, self.virt = PRV_M, False
            tvec = self.mtvec
        if interrupt and tvec & 1:
            self.pc = (tvec & ~3) + 4 * cause
        else:
            self.pc = tvec & ~3
        self.reservation = None
        self.flag = True

    def mret(self, raw: int) -> int:
        if self.priv != B.PRV_M:
            raise C.illegal(raw)
        st = self.mstatus
        mpp = (st & B.MSTATUS_MPP) >> B.MSTATUS_MPP_SHIFT
        mpv = bool(st & B.MSTATUS_MPV) and mpp != B.PRV_M
        st &= ~(B.MSTATUS_MIE | B.MSTATUS_MPP | B.MSTATUS_MPV)
        if st & B.MSTATUS_MPIE:
            st |= B.MSTATUS_MIE
        st |= B.MSTATUS_MPIE
        if mpp != B.PRV_M:
            st &= ~B.MSTATUS_MPRV
        self.mstatus = st
        self.priv, self.virt = mpp, mpv
        self.reservation = None
        self.flag = True
        return self.mepc

    def sret(self, raw: int) -> int:
        if self.virt:
            if self.priv == B.PRV_U or self.hstatus & B.HSTATUS_VTSR:
                raise C.virtual(raw)
            vs = self.vsstatus
            self.priv = B.PRV_S if vs & B.MSTATUS_SPP else B.PRV_U
            self.vsstatus = _pop_s(vs)
            target = self.vsepc
        else:
            if self.priv == B.PRV_U or (self.priv == B.PRV_S and self.mstatus & B.MSTATUS_TSR):
                raise C.illegal(raw)
            self.enter_from_hs_return()
            target = self.sepc
        self.reservation = None
        self.flag = True
        return target

    def enter_from_hs_return(self) -> None:
        """The state change of an SRET executed at HS (also used by the hypervisor)."""
        st = self.mstatus
        self.priv = PRV_S if st & MSTATUS_SPP else PRV_U
        hs = self.hstatus
        self.virt = bool(hs & HSTATUS_SPV)
        # _pop_s, inlined: SIE <- SPIE, SPIE <- 1, SPP <- U; and MPRV <- 0 (leaving for S/U)
        popped = (st & ~(MSTATUS_SIE | MSTATUS_SPP | MSTATUS_MPRV)) | MSTATUS_SPIE
        if st & MSTATUS_SPIE:
            popped |= MSTATUS_SIE
        self.mstatus = popped
        self.hstatus = hs & ~HSTATUS_SPV
        self.flag = True

    def leave_guest(self) -> None:
        """An asynchronous exit to HS-mode (a preemption at a slice end, as a host interrupt
        would cause): the guest pc goes to sepc and its privilege to hstatus.SPVP/SPP."""
        if not self.virt:
            return
        self.sepc = self.pc
        hs = (self.hstatus | B.HSTATUS_SPV) & ~B.HSTATUS_SPVP
        st = self.mstatus & ~B.MSTATUS_SPP
        if self.priv == B.PRV_S:
            hs |= B.HSTATUS_SPVP
            st |= B.MSTATUS_SPP
        self.hstatus, self.mstatus = hs, st
        self.priv, self.virt = B.PRV_S, False
        self.flag = True

    # ---- the batch loop ---------------------------------------------------------------------
    def run(self, budget: int, floor: int | None = None) -> tuple[int, StopReason]:
        """Execute up to ``budget`` instructions; return (retired, why it stopped).

        With ``floor``, the batch may end early, once at least ``floor`` instructions retired,
        where the next block does not fit in what is left of the budget: the last few
        instructions of an exact batch run one at a time through the cold tier, which is what
        a caller whose budget is only a batch length (not a deadline) need not pay.
        """
        if floor is None:
            floor = budget
        X = self.x
        n = 0
        pc = self.pc
        get = self.jc.get
        self.flag = True
        self.vmexit = False
        self.budget = budget  # loop blocks iterate while another iteration fits
        reason = StopReason.BUDGET
        while True:
            if self.flag:
                self.pc = pc
                self.cur_n = n
                stop = self._service()
                pc = self.pc
                if stop is not None:
                    reason = stop
                    break
                get = self.jc.get
            ent = get(pc)
            if ent is None or n + ent[1] > budget:
                if n >= budget or (n >= floor and ent is not None):
                    break
                try:
                    ent = self._lookup(pc, False)
                    if n + ent[1] > budget:
                        if n >= floor:
                            break
                        ent = self._lookup(pc, True)
                except Trap as trap:
                    budget -= 1  # a trap costs budget, so a trap storm still ends the batch
                    self.budget = budget
                    if self._trap(trap, pc, n):
                        reason = StopReason.VMEXIT
                        pc = self.pc
                        break
                    pc = self.pc
                    continue
            fn, k, loop = ent
            try:
                pc = fn(X, self, n)
            except Trap as trap:
                n += self.trap_idx
                budget -= 1
                self.budget = budget
                if self._trap(trap, self.trap_pc, n):
                    reason = StopReason.VMEXIT
                    pc = self.pc
                    break
                pc = self.pc
                continue
            if loop:
                n = self.loop_n
            else:
                n += k
        self.pc = pc
        self.retired += n
        self.cur_n = 0
        return n, reason

    def _trap(self, trap: Trap, epc: int, n: int) -> bool:
        self.trap_count += 1
        self.cur_n = n
        self.pc = epc
        self.take_trap(trap)
        return self.vmexit

    def _service(self) -> StopReason | None:
        """Between blocks: stop/yield requests, context refresh, interrupts, WFI."""
        self.flag = False
        if self.stop_request is not None:
            reason, self.stop_request = self.stop_request, None
            return reason
        # Quick test first: every bit pending_bits() can report, intersected with mie.  Most
        # visits (every return from a VM exit among them) find nothing pending and enabled.
        maybe = (
            self.mip
            | self.ext_lines
            | self.hvip
            | (MIP_STIP if self.stimer else 0)
            | (MIP_VSTIP if self.vstimer else 0)
        )
        if maybe & self.mie:
            found = self.pending_interrupt()
            if found is not None:
                self.wfi = False
                self.take_interrupt(*found)
                self.flag = False
                if self.vmexit:
                    self._refresh_context()
                    return StopReason.VMEXIT
            elif self.wfi:
                if self.pending_bits() & self.mie:
                    self.wfi = False  # wakes even when the interrupt is globally disabled
                else:
                    return StopReason.WFI
        elif self.wfi:
            return StopReason.WFI
        # The context only needs refreshing when something its keys depend on changed (not the
        # usual case: a return from a VM exit comes back to the context it left).  The tuple is
        # _context_inputs(), inlined.
        inputs = (
            self.priv,
            self.virt,
            self.satp,
            self.vsatp,
            self.hgatp,
            self.mstatus & CONTEXT_MSTATUS,
            self.vsstatus & CONTEXT_VSSTATUS,
        )
        memo = self._context_memo
        if inputs != memo[0] or self.fctx is not memo[1] or self.dctx.get(memo[2]) is not memo[3]:
            self._refresh_context()
        # fpstate.refresh, inlined: the FP fast paths' view of mstatus.FS/vsstatus.FS and V
        return None

    def _lookup(self, pc: int, single: bool) -> tuple:
        single = single or self.trace is not None
        pa = self.translate_fetch(pc)
        block = self.code_cache.lookup(self, pc, pa, single)
        if self.trace is not None:
            self._trace(block)
        elif not single:
            self.jc[pc] = block.entry
        return block.entry

    def _trace(self, block) -> None:
        from hvsim.isa.disasm import disasm

        insn = block.insns[0]
        raw = block.raws[0]
        text = disasm(insn, block.va) if insn is not None else "(illegal)"
        width = 8 if raw & 3 == 3 else 4
        mode = ("U", "S", "H", "M")[self.priv]
        if self.virt:
            mode = "V" + mode
        self.trace.write(
            f"core {self.hartid:3}: {mode:2} 0x{block.va:016x} (0x{raw:0{width}x}) {text}\n"
        )

    # ---- translation contexts -------------------------------------------------------------
    def _context_inputs(self) -> tuple:
        """Everything the translation-context keys of _refresh_context depend on."""
        return (
            self.priv,
            self.virt,
            self.satp,
            self.vsatp,
            self.hgatp,
            self.mstatus & CONTEXT_MSTATUS,
            self.vsstatus & CONTEXT_VSSTATUS,
        )

    def _refresh_context(self) -> None:
        """Point the fetch (``jc``, ``tx``) and data (``tr``, ``tw``) caches at the dicts of the
        current translation context, creating them on first use.

        It remembers what it chose in ``_context_memo`` (the inputs of the keys, the fetch
        table, the data key and dicts): :meth:`_service` skips the call when the inputs are
        unchanged and the tables still hold those dicts (a table may have been replaced by
        reset or emptied at MAX_CONTEXTS), which is the usual case after a VM exit.
        """
        priv, virt = self.priv, self.virt
        if virt:
            fkey: tuple = (True, priv, self.vsatp, self.hgatp)
        elif priv == B.PRV_M or not self.satp >> B.ATP_MODE_SHIFT:
            fkey = BARE_CONTEXT
        else:
            fkey = (False, priv, self.satp)
        st = self.mstatus
        dpriv, dvirt = priv, virt
        if priv == B.PRV_M and st & B.MSTATUS_MPRV:
            dpriv = (st & B.MSTATUS_MPP) >> B.MSTATUS_MPP_SHIFT
            dvirt = bool(st & B.MSTATUS_MPV) and dpriv != B.PRV_M
        if dvirt:
            dkey: tuple = (
                True,
                dpriv,
                self.vsatp,
                self.hgatp,
                self.vsstatus & (B.MSTATUS_SUM | B.MSTATUS_MXR),
                st & B.MSTATUS_MXR,
            )
        elif dpriv == B.PRV_M or not self.satp >> B.ATP_MODE_SHIFT:
            dkey = BARE_CONTEXT
        else:
            dkey = (False, dpriv, self.satp, st & (B.MSTATUS_SUM | B.MSTATUS_MXR))
        fc = self.fctx.get(fkey)
        if fc is None:
            if len(self.fctx) >= MAX_CONTEXTS:
                self.fctx.clear()
            fc = self.fctx[fkey] = ({}, {})
        dc = self.dctx.get(dkey)
        if dc is None:
            if len(self.dctx) >= MAX_CONTEXTS:
                self.dctx.clear()
            dc = self.dctx[dkey] = ({}, {})
        self.jc, self.tx = fc
        self.tr, self.tw = dc
        self.data_priv, self.data_virt = dpriv, dvirt
        self._context_memo = (self._context_inputs(), self.fctx, dkey, dc)
        fpstate.refresh(self)

    def flush_jump_caches(self) -> None:
        for jc, _ in self.fctx.values():
            jc.clear()

    def flush_translations(
        self, virt: bool, vmid: int | None = None, page: int | None = None
    ) -> None:
        """Drop cached translations of V=``virt`` contexts (optionally one VMID / one page)."""
        for table in (self.fctx, self.dctx):
            for key, dicts in table.items():
                if key is BARE_CONTEXT or key[0] != virt:
                    continue
                if vmid is not None and self._vmid_of(key) != vmid:
                    continue
                if page is None:
                    for d in dicts:
                        d.clear()
                elif table is self.fctx:
                    dicts[0].clear()
                    dicts[1].pop(page, None)
                else:  # data TLBs are keyed by page address (see the module docstring)
                    dicts[0].pop(page << 12, None)
                    dicts[1].pop(page << 12, None)

    def _vmid_of(self, key: tuple) -> int:
        hgatp = key[3]
        return (hgatp >> B.HGATP_VMID_SHIFT) & ((1 << self.vmidlen) - 1)

    def current_vmid(self) -> int:
        return (self.hgatp >> B.HGATP_VMID_SHIFT) & ((1 << self.vmidlen) - 1)

    # ---- address translation with fast-path installation ----------------------------------
    def translate_fetch(self, va: int) -> int:
        page = self.tx.get(va >> 12)
        if page is not None:
            return page | (va & 0xFFF)
        self.tlb_misses += 1
        pa = mmu.translate(self, va, B.ACC_FETCH, self.priv, self.virt)
        if not self.mem.is_ram(pa & ~0xFFF, 0x1000):
            raise Trap(E.CAUSE_FETCH_ACCESS, va)
        self.tx[va >> 12] = pa & ~0xFFF
        return pa

    def translate_data(self, va: int, acc: int, tinst: int) -> int:
        """Translate an explicit load/store of the current data context, filling its TLB."""
        return self._translate_cached(
            va, acc, tinst, self.data_priv, self.data_virt, self.tr, self.tw
        )

    def _translate_cached(
        self, va: int, acc: int, tinst: int, priv: int, virt: bool, tr: dict, tw: dict
    ) -> int:
        mem = self.mem
        key = va & PAGE_KEY
        off = (tw if acc == B.ACC_STORE else tr).get(key)
        if off is not None:
            return mem.ram_base + va + off
        self.tlb_misses += 1
        pa = mmu.translate(self, va, acc, priv, virt, tinst)
        page = pa >> 12
        if mem.is_ram(page << 12, 0x1000):
            off = (page << 12) - mem.ram_base - key
            tr[key] = off
            if acc == B.ACC_STORE and mem.fast_writable(page):
                tw[key] = off
                mem.note_fast_write(page, tw, key)
        return pa

    def _guest_data_context(self) -> tuple[int, dict, dict]:
        """Privilege and TLB of HLV/HSV accesses (V=1 at hstatus.SPVP's privilege)."""
        priv = B.PRV_S if self.hstatus & B.HSTATUS_SPVP else B.PRV_U
        key = (
            True,
            priv,
            self.vsatp,
            self.hgatp,
            self.vsstatus & (B.MSTATUS_SUM | B.MSTATUS_MXR),
            self.mstatus & B.MSTATUS_MXR,
        )
        dc = self.dctx.get(key)
        if dc is None:
            if len(self.dctx) >= MAX_CONTEXTS:
                self.dctx.clear()
                self.flag = True  # the current context's dicts were dropped too
            dc = self.dctx[key] = ({}, {})
        return priv, dc[0], dc[1]

    # ---- slow paths called from generated code ----------------------------------------------
    def load_slow(self, va: int, size: int, signed: bool, n: int, tinst: int) -> int:
        self.cur_n = n
        value = self._access(va, size, B.ACC_LOAD, tinst, None)
        if signed:
            sign = 1 << (8 * size - 1)
            value = ((value ^ sign) - sign) & M64
        return value

    def store_slow(self, va: int, size: int, value: int, n: int, tinst: int) -> None:
        self.cur_n = n
        self._access(va, size, B.ACC_STORE, tinst, value)

    def _access(self, va: int, size: int, acc: int, tinst: int, value: int | None) -> int:
        offset = va & 0xFFF
        if offset + size > 0x1000:  # misaligned across a page: two translations
            first = 0x1000 - offset
            lo = self._access(va, first, acc, tinst, value)
            hi_value = None if value is None else value >> (8 * first)
            # a fault on the second part reports its offset in the transformed instruction
            hi_tinst = tinst | (first << 15) if tinst else 0
            hi = self._access((va + first) & M64, size - first, acc, hi_tinst, hi_value)
            return lo | (hi << (8 * first))
        pa = self.translate_data(va, acc, tinst)
        mem = self.mem
        if va & (size - 1) and not mem.is_ram(pa, size):
            raise Trap(mmu.ACCESS_FAULT[acc], va)  # no misaligned MMIO
        try:
            if value is None:
                return mem.read(pa, size)
            mem.write(pa, size, value)
            return 0
        except BusError:
            raise Trap(mmu.ACCESS_FAULT[acc], va) from None

    def _atomic_pa(self, va: int, size: int, acc: int, misaligned_cause: int, tinst: int) -> int:
        if va & (size - 1):
            raise Trap(misaligned_cause, va)
        pa = self.translate_data(va, acc, tinst)
        if not self.mem.is_ram(pa, size):
            raise Trap(mmu.ACCESS_FAULT[acc], va)
        return pa

    def amo(self, op: str, va: int, src: int, size: int, n: int, tinst: int) -> int:
        self.cur_n = n
        pa = self._atomic_pa(va, size, B.ACC_STORE, E.CAUSE_MISALIGNED_STORE, tinst)
        mem = self.mem
        old = mem.read(pa, size)
        mem.write(pa, size, amo_compute(op, old, src, size))
        return _sext(old, size)

    def lr(self, va: int, size: int, n: int, tinst: int) -> int:
        self.cur_n = n
        pa = self._atomic_pa(va, size, B.ACC_LOAD, E.CAUSE_MISALIGNED_LOAD, tinst)
        value = self.mem.read(pa, size)
        self.reservation = (pa, size, value)
        return _sext(value, size)

    def sc(self, va: int, src: int, size: int, n: int, tinst: int) -> int:
        self.cur_n = n
        pa = self._atomic_pa(va, size, B.ACC_STORE, E.CAUSE_MISALIGNED_STORE, tinst)
        res, self.reservation = self.reservation, None
        mem = self.mem
        if res is not None and res[0] == pa and res[1] == size and mem.read(pa, size) == res[2]:
            mem.write(pa, size, src & ((1 << (8 * size)) - 1))
            return 0
        return 1

    def csr_op(
        self, num: int, op: str, operand: int, reads: bool, writes: bool, n: int, raw: int
    ) -> int:
        self.cur_n = n
        d = C.resolve(self, num, writes, raw)
        old = d.read(self) & M64 if reads else 0
        if writes:
            if d.write is None:
                raise C.illegal(raw)
            if op == "w":
                new = operand
            elif op == "s":
                new = old | operand
            else:
                new = old & ~operand
            self.in_csr_insn = True
            try:
                d.write(self, new & M64)
            finally:
                self.in_csr_insn = False
        return old

    def ecall(self) -> None:
        if self.virt:
            cause = E.CAUSE_VIRTUAL_SUPERVISOR_ECALL if self.priv == B.PRV_S else E.CAUSE_USER_ECALL
        else:
            cause = _ECALL_CAUSE[self.priv]
        raise Trap(cause, 0)

    def wfi_insn(self, raw: int) -> None:
        priv, virt = self.priv, self.virt
        if priv != B.PRV_M and self.mstatus & B.MSTATUS_TW:
            raise C.illegal(raw)
        if virt and (priv == B.PRV_U or self.hstatus & B.HSTATUS_VTW):
            raise C.virtual(raw)
        if not virt and priv == B.PRV_U:
            raise C.illegal(raw)
        self.wfi = True
        self.flag = True

    def fence_i(self) -> None:
        self.jc.clear()

    def fence_vma(
        self, kind: str, addr: int, asid: int, has_addr: bool, has_asid: bool, raw: int
    ) -> None:
        priv, virt = self.priv, self.virt
        page = (addr & M64) >> 12 if has_addr else None
        if kind == "s":
            if virt:
                if priv == B.PRV_U or self.hstatus & B.HSTATUS_VTVM:
                    raise C.virtual(raw)
                self.flush_translations(True, self.current_vmid(), page)
            else:
                if priv == B.PRV_U or (priv == B.PRV_S and self.mstatus & B.MSTATUS_TVM):
                    raise C.illegal(raw)
                self.flush_translations(False, None, page)
        else:
            if virt:
                raise C.virtual(raw)
            if priv == B.PRV_U or (
                kind == "gv" and priv == B.PRV_S and self.mstatus & B.MSTATUS_TVM
            ):
                raise C.illegal(raw)
            if kind == "vv":
                self.flush_translations(True, self.current_vmid(), page)
            else:  # HFENCE.GVMA: guest-physical addresses map to unknown VAs: drop them all
                vmid = asid & ((1 << self.vmidlen) - 1) if has_asid else None
                self.flush_translations(True, vmid, None)
        self.flag = True

    def _check_hypervisor_insn(self, raw: int) -> None:
        if self.virt:
            raise C.virtual(raw)
        if self.priv == B.PRV_U and not self.hstatus & B.HSTATUS_HU:
            raise C.illegal(raw)

    def hlv(
        self, va: int, size: int, signed: bool, execute: bool, n: int, raw: int, tinst: int
    ) -> int:
        self.cur_n = n
        self._check_hypervisor_insn(raw)
        priv, tr, tw = self._guest_data_context()
        value = 0
        for part_va, part_size in _split(va, size):
            offset = (part_va - va) & M64
            part_tinst = tinst | (offset << 15) if tinst else 0
            if execute:  # HLVX needs execute permission: never satisfied from the data TLB
                pa = mmu.translate(self, part_va, B.ACC_LOAD, priv, True, part_tinst, hlvx=True)
            else:
                pa = self._translate_cached(part_va, B.ACC_LOAD, part_tinst, priv, True, tr, tw)
            shift = 8 * ((part_va - va) & M64)
            value |= self._phys_rw(pa, part_size, part_va, B.ACC_LOAD, None) << shift
        return _sext(value, size) if signed else value

    def hsv(self, va: int, src: int, size: int, n: int, raw: int, tinst: int) -> None:
        self.cur_n = n
        self._check_hypervisor_insn(raw)
        priv, tr, tw = self._guest_data_context()
        for part_va, part_size in _split(va, size):
            offset = (part_va - va) & M64
            part_tinst = tinst | (offset << 15) if tinst else 0
            pa = self._translate_cached(part_va, B.ACC_STORE, part_tinst, priv, True, tr, tw)
            shift = 8 * ((part_va - va) & M64)
            self._phys_rw(pa, part_size, part_va, B.ACC_STORE, src >> shift)

    def _phys_rw(self, pa: int, size: int, va: int, acc: int, value: int | None) -> int:
        try:
            if value is None:
                return self.mem.read(pa, size)
            self.mem.write(pa, size, value & ((1 << (8 * size)) - 1))
            return 0
        except BusError:
            raise Trap(mmu.ACCESS_FAULT[acc], va, gva=True) from None


_ECALL_CAUSE = {
    B.PRV_U: E.CAUSE_USER_ECALL,
    B.PRV_S: E.CAUSE_SUPERVISOR_ECALL,
    B.PRV_M: E.CAUSE_MACHINE_ECALL,
}


def _highest(mask: int) -> int:
    for irq in IRQ_PRIORITY:
        if mask & (1 << irq):
            return irq
    raise AssertionError("no interrupt in mask")


def _push_s(status: int, priv: int) -> int:
    """S-level trap entry on an sstatus-layout register: SPP, SPIE <- SIE, SIE <- 0."""
    st = status & ~(B.MSTATUS_SPP | B.MSTATUS_SPIE | B.MSTATUS_SIE)
    if status & B.MSTATUS_SIE:
        st |= B.MSTATUS_SPIE
    if priv != B.PRV_U:
        st |= B.MSTATUS_SPP
    return st


def _pop_s(status: int) -> int:
    """S-level return: SIE <- SPIE, SPIE <- 1, SPP <- U."""
    st = status & ~(B.MSTATUS_SIE | B.MSTATUS_SPP)
    if status & B.MSTATUS_SPIE:
        st |= B.MSTATUS_SIE
    return st | B.MSTATUS_SPIE


def _sext(value: int, size: int) -> int:
    sign = 1 << (8 * size - 1)
    return ((value ^ sign) - sign) & M64


def _split(va: int, size: int) -> list[tuple[int, int]]:
    """Split an access at a page boundary (misaligned accesses are done in hardware)."""
    offset = va & 0xFFF
    if offset + size <= 0x1000:
        return [(va, size)]
    first = 0x1000 - offset
    return [(va, first), ((va + first) & M64, size - first)]


#: Functions visible to generated block code.
BLOCK_HELPERS = {
    "LOAD": Hart.load_slow,
    "STORE": Hart.store_slow,
    "AMO": Hart.amo,
    "LR": Hart.lr,
    "SC": Hart.sc,
    "CSR": Hart.csr_op,
    "ECALL": Hart.ecall,
    "MRET": Hart.mret,
    "SRET": Hart.sret,
    "WFI": Hart.wfi_insn,
    "FENCE_I": Hart.fence_i,
    "FENCE_VMA": Hart.fence_vma,
    "HLV": Hart.hlv,
    "HSV": Hart.hsv,
    **FP_HELPERS,
}

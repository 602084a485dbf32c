"""The host: physical memory, pCPUs, the SimPy environment, the scheduler, and the vCPU loop.

Simulated time is an integer number of picoseconds (``env.now``); a pCPU at ``freq_mhz`` retires
one instruction every ``cpi`` cycles of ``10**6 // freq_mhz`` ps.  The platform timer (``time``
CSR, mtime) ticks at ``timebase_hz`` and is derived from simulated time only.

Each pCPU is a :class:`~hvsim.core.hart.Hart` left in HS-mode with everything delegated to HS
(as firmware would), a hypervisor attached (``vmexit_enabled``) and Sstc enabled.  vCPU
processes (:func:`vcpu_process`) take turns on the pCPUs through the scheduler.

A running vCPU accounts its own simulated time (batches, trap entries, exit handling) in a
local *lag* and hands it to SimPy once per quantum (``batch_insns`` instructions) or when it
blocks or ends its slice, not once per exit: SimPy processes only interleave at yields, so
everything the running vCPU does in between sees ``host.now_ps() = env.now + lag``.  Effects on
other vCPUs therefore land with at most one quantum of error, the same bound as the batch
length itself (the accuracy/speed knob measured in benchmarks/README.md).

A batch ends exactly at the vCPU's next timer deadline or the end of its slice.  When only the
batch length bounds it, it may end up to ``[host] batch_slack`` instructions (at most a quarter
of the batch) early at a block boundary instead of running its last instructions one at a time
(see ``Hart.run``'s floor); 0 keeps every batch exact.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Generator
from typing import IO, TYPE_CHECKING, Any

import simpy

from hvsim.core import bits as B
from hvsim.core import csr as C
from hvsim.core.bits import M64
from hvsim.core.hart import Hart
from hvsim.core.trap import StopReason
from hvsim.gctune import collecting_rarely
from hvsim.hv import exits
from hvsim.hv.fdt import place_fdt
from hvsim.hv.hostmem import HostAllocator
from hvsim.hv.vcpu import LAST_EXITS, Action, Power, Vcpu
from hvsim.hv.vm import VM, CrashReport
from hvsim.hv.vmid import VmidAllocator
from hvsim.mem.phys import PhysMem
from hvsim.sched.base import create_scheduler
from hvsim.stats.recorder import ExitRecord, RunQueueRecord, SliceRecord, Stats, WakeupRecord

if TYPE_CHECKING:
    from pathlib import Path

    from hvsim.config.model import Scenario

PS_PER_S = 10**12
HOST_RAM_BASE = 0x80000000
MEDELEG_ALL = C.MEDELEG_WRITABLE
#: Exit kinds whose handler performs the trapping guest instruction (counted as executed).
EMULATED_KINDS = frozenset({"sbi", "csr", "mmio", "wfi", "wrs"})
new_record = tuple.__new__
# Enum members the vCPU loop tests every trip, as module globals (on CPython 3.11 a global is
# much cheaper to read than an attribute of an Enum class)
RESUME, VMEXIT, STARTED = Action.RESUME, StopReason.VMEXIT, Power.STARTED


class PcpuClock:
    """A pCPU's view of time: SimPy time at the start of the batch plus the batch's progress."""

    def __init__(self, host: Host) -> None:
        self.insn_ps = host.insn_ps
        self.cycle_ps = host.cycle_ps
        self.timebase_hz = host.timebase_hz
        self.batch_start = 0
        self.hart: Hart | None = None

    def now_ps(self) -> int:
        hart = self.hart
        return self.batch_start + (hart.cur_n * self.insn_ps if hart is not None else 0)

    def cycles(self) -> int:
        return self.now_ps() // self.cycle_ps

    def mtime(self) -> int:
        return self.now_ps() * self.timebase_hz // PS_PER_S

    def insns_until(self, mtime: int) -> int:
        target = -(-mtime * PS_PER_S // self.timebase_hz)
        return max(0, -(-(target - self.now_ps()) // self.insn_ps))


class Pcpu:
    def __init__(self, host: Host, index: int) -> None:
        self.index = index
        self.clock = PcpuClock(host)
        self.hart = Hart(host.mem, index, clock=self.clock, vmidlen=host.config.host.vmidlen)
        self.clock.hart = self.hart
        self.last_vcpu: dict[VM, Vcpu] = {}
        self.busy_ps = 0
        self.switches = 0
        hart = self.hart
        hart.vmexit_enabled = True
        hart.priv = B.PRV_S  # the hypervisor runs in HS-mode; M-mode firmware delegated all
        hart.medeleg = MEDELEG_ALL
        hart.mideleg = C.MIDELEG_FORCED | C.MIDELEG_WRITABLE
        hart.menvcfg = B.ENVCFG_STCE
        hart.mcounteren = 0xFFFFFFFF
        hart.state_changed()


class Host:
    def __init__(
        self,
        scenario: Scenario,
        console_sink: Callable[[str], None] | None = None,
        outdir: Path | None = None,
    ) -> None:
        self.config = scenario
        self.cost = scenario.cost
        host_cfg = scenario.host
        self.env = simpy.Environment()
        self.timebase_hz = host_cfg.timebase_hz
        cycle_ps = 10**6 // host_cfg.freq_mhz
        self.insn_ps = cycle_ps * self.cost.cpi
        self.cycle_ps = cycle_ps
        self.batch_insns = host_cfg.batch_insns
        self.batch_slack = host_cfg.batch_slack
        self.console_sink = console_sink if console_sink is not None else _print_line
        self.outdir = outdir
        self._logs: list[IO[bytes]] = []
        self.stats = Stats()
        self.mem = PhysMem(HOST_RAM_BASE, host_cfg.memory or self._host_ram_size(scenario))
        self.alloc = HostAllocator(self.mem)
        self.pcpus = [Pcpu(self, i) for i in range(host_cfg.pcpus)]
        self.vmids = VmidAllocator(host_cfg.vmidlen, self._flush_all_guests)
        self.scheduler = create_scheduler(self, scenario.scheduler)
        self.vms: list[VM] = []
        self.total_instructions = 0
        self.instruction_limit: int | None = None
        #: Simulated time the running vCPU has consumed but not yet handed to SimPy.  A vCPU
        #: yields to SimPy once per quantum (or when it blocks), not once per exit: processes
        #: only interleave at yields, so everything in between sees ``env.now + lag``.
        self.lag = 0
        #: the length of one batch in simulated time (a running vCPU yields after about one)
        self.quantum_ps = self.batch_insns * self.insn_ps
        #: (exit kind, detail) -> handling time in ps (the cost model's answer, remembered)
        self.handling_ps: dict[tuple[str, str], int] = {}
        self.end_ps = 0  # the latest simulated time any vCPU reached
        #: [stats] vCPUs that blocked (WFI, suspend): charged cost.wfi_wakeup when next run
        self.blocked_vcpus: set[Vcpu] = set()
        self._all_stopped = self.env.event()
        for i, vm_cfg in enumerate(scenario.vms):
            self.vms.append(VM(self, vm_cfg, i))
        for vm in self.vms:
            for vcpu in vm.vcpus:
                self.env.process(vcpu_process(self, vcpu))

    @staticmethod
    def _host_ram_size(scenario: Scenario) -> int:
        total = 0
        for vm in scenario.vms:
            total += -(-vm.memory // 0x200000) * 0x200000 + 0x200000  # plus alignment gap
            total += (vm.memory // 0x1000 // 512 + 16) * 0x1000  # G-stage tables, generous
        return -(-(total + (16 << 20)) // 0x200000) * 0x200000

    # ---- services used by VMs ------------------------------------------------------------------
    def now_ps(self) -> int:
        """The current simulated time as seen by the running process (see ``lag``)."""
        return self.env.now + self.lag

    def mtime_now(self) -> int:
        return (self.env.now + self.lag) * self.timebase_hz // PS_PER_S

    def console_log(self, vm: VM) -> IO[bytes] | None:
        if self.outdir is None or not vm.config.console_log:
            return None
        self.outdir.mkdir(parents=True, exist_ok=True)
        log = open(self.outdir / f"{vm.name}.console.log", "wb")  # noqa: SIM115 - closed at end
        self._logs.append(log)
        return log

    def build_fdt(self, vm: VM) -> int:
        """Place the VM's device tree in guest RAM and return its guest-physical address."""
        return place_fdt(vm)

    def remote_fence(self, hart: Hart, vm: VM, kind: str, start: int, size: int, asid: int) -> None:
        """Apply a guest's remote fence on the hart where the target vCPU runs."""
        if kind == "fence_i":
            hart.flush_jump_caches()
            return
        vmid = hart.current_vmid()
        if size == 0 or size > 64 * 0x1000 or size == B.M64:
            hart.flush_translations(True, vmid)
        else:
            for page in range(start >> 12, (start + size - 1 >> 12) + 1):
                hart.flush_translations(True, vmid, page)

    def note_runqueue(self) -> None:
        """Record the scheduler's run-queue length when it may have changed."""
        length = self.scheduler.run_queue_length()
        rq = self.stats.runqueue
        if not rq or rq[-1].length != length:
            rq.append(RunQueueRecord(self.env.now, length))

    def _flush_all_guests(self) -> None:
        for pcpu in self.pcpus:
            pcpu.hart.flush_translations(True)
            pcpu.last_vcpu.clear()

    def vm_stopped(self, vm: VM) -> None:
        if all(not v.running for v in self.vms) and not self._all_stopped.triggered:
            self._all_stopped.succeed()

    # ---- running -------------------------------------------------------------------------------
    def run(self, until_ps: int | None = None, max_insns: int | None = None) -> str:
        """Run until every VM stopped, ``until_ps`` of simulated time or ``max_insns``.

        Returns why the run ended: "done", "instruction-limit", "time-limit" or "deadlock"
        (every vCPU waits for an interrupt that nothing will ever raise).
        """
        self.instruction_limit = max_insns
        stop = [self._all_stopped]
        if until_ps is not None:
            stop.append(self.env.timeout(until_ps))
        outcome = None
        if not self._all_stopped.triggered:
            try:
                with collecting_rarely():
                    self.env.run(until=self.env.any_of(stop))
            except RuntimeError as exc:  # SimPy: no events left before "until" triggered
                if "No scheduled events left" not in str(exc):
                    raise
                outcome = "deadlock"
        self.end_ps = max(self.end_ps, self.env.now)
        self._close_open_slices()
        for vm in self.vms:
            vm.console.flush()
        for log in self._logs:
            log.close()
        if outcome is not None:
            return outcome
        if max_insns is not None and self.total_instructions >= max_insns:
            return "instruction-limit"
        if all(not vm.running for vm in self.vms):
            return "done"
        return "time-limit"

    def _close_open_slices(self) -> None:
        """Record the slices of vCPUs still on a pCPU when the run ends at a limit."""
        for vm in self.vms:
            for vcpu in vm.vcpus:
                if vcpu.slice_start is None or vcpu.slice_pcpu is None:
                    continue
                end = max(self.end_ps, vcpu.slice_start)
                self.stats.slices.append(
                    SliceRecord(
                        vcpu.slice_start,
                        end,
                        vm.name,
                        vcpu.index,
                        vcpu.slice_pcpu.index,
                        vcpu.slice_retired,
                    )
                )
                vcpu.stats.run_ps += end - vcpu.slice_start
                vcpu.slice_pcpu.busy_ps += end - vcpu.slice_start
                vcpu.slice_start = None

    def limit_reached(self) -> None:
        for vm in self.vms:
            if vm.running:
                vm.stop("stopped")


def _print_line(line: str) -> None:
    sys.stdout.write(line + "\n")


# ---- the vCPU process ---------------------------------------------------------------------------
def vcpu_process(host: Host, vcpu: Vcpu) -> Generator[Any, Any, None]:
    env = host.env
    vm = vcpu.vm
    stats = vcpu.stats
    sched = host.scheduler
    while vm.running:
        if vcpu.posted:  # requests that arrived while it was finishing a slice
            vcpu.apply_posted()
        if not vcpu.runnable():
            start = env.now
            wake = vcpu.wait_event(env)
            if vcpu.power is Power.STARTED and vcpu.blocked:
                if vcpu.interrupt_pending():
                    vcpu.blocked = vcpu.suspended = False
                    continue
                events = [wake]
                deadline = vcpu.timer_deadline()
                if deadline is not None:
                    at = -(-deadline * PS_PER_S // host.timebase_hz)
                    events.append(env.timeout(max(0, at - env.now)))
                yield env.any_of(events)
                vcpu.apply_posted()
                vcpu.check_timers()
                if vcpu.interrupt_pending() or vcpu.power is not Power.STARTED:
                    vcpu.blocked = vcpu.suspended = False
                    stats.count("wakeups")
                    if vcpu.kicked_ps is None:  # its own Sstc deadline woke it: nobody kicked
                        vcpu.kicked_ps = env.now
            else:
                yield wake
                vcpu.apply_posted()
            stats.idle_ps += env.now - start
            if not vcpu.runnable():
                vcpu.kicked_ps = None  # woken for nothing (e.g. a timer check): no wake-up
            continue
        start = env.now
        pcpu = yield from sched.acquire(vcpu)
        stats.steal_ps += env.now - start
        if vcpu.kicked_ps is not None:
            host.stats.wakeups.append(WakeupRecord(vcpu.kicked_ps, env.now, vm.name, vcpu.index))
            vcpu.kicked_ps = None
        yield from run_on_pcpu(host, vcpu, pcpu)
        sched.release(vcpu, pcpu)


def run_on_pcpu(host: Host, vcpu: Vcpu, pcpu: Pcpu) -> Generator[Any, Any, None]:
    """One run slice of ``vcpu`` on ``pcpu``: world switch in, batches and exits, switch out.

    The loop is the simulator's hottest hypervisor code (one trip per batch and per VM exit),
    so it keeps what it reads in locals and calls out only for real work.
    """
    env = host.env
    vm = vcpu.vm
    hart = pcpu.hart
    clock = pcpu.clock
    stats = vcpu.stats
    counters = stats.base
    cost = host.cost
    insn_ps = host.insn_ps
    cycle_ps = host.cycle_ps
    batch_insns = host.batch_insns
    # a batch bounded only by its length may end this many instructions early, at a block
    # boundary, rather than finish its last few instructions one at a time (Hart.run's floor)
    batch_floor = batch_insns - min(host.batch_slack, batch_insns // 4)
    # so one such batch is a quantum: the vCPU yields to SimPy after every full batch
    quantum = batch_floor * insn_ps
    timebase_hz = host.timebase_hz
    sched = host.scheduler
    vmids = host.vmids
    vmid = vmids.ensure(vm)
    previous = pcpu.last_vcpu.get(vm)
    if vcpu.flush_on_load or (previous is not None and previous is not vcpu):
        # another vCPU of this VM ran here (KVM's sanitize), or a remote fence is pending
        hart.flush_translations(True, vmid)
        vcpu.flush_on_load = False
    pcpu.last_vcpu[vm] = vcpu
    lag = cost.world_switch * cycle_ps
    if vcpu in host.blocked_vcpus:  # [stats] woken from WFI: the host's wake-up path
        host.blocked_vcpus.discard(vcpu)
        stats.count("cost.wfi_wakeup", cost.wfi_wakeup * cycle_ps)
        lag += cost.wfi_wakeup * cycle_ps
    host.lag = lag
    clock.batch_start = env.now + lag
    vcpu.load(hart, vmid)
    pcpu.switches += 1
    stats.switches += 1
    slice_start = t0 = env.now  # t0: SimPy time, updated after every yield
    slice_end = slice_start + lag + sched.slice_ps(vcpu)
    retired = 0
    vcpu.slice_start, vcpu.slice_pcpu, vcpu.slice_retired = slice_start, pcpu, 0
    # [stats] TLB misses and page walks: the hart's counters, charged per batch by their deltas
    charge_walks = cost.charges_walks
    c_miss, c_pte, c_gpte = cost.tlb_miss, cost.walk_level, cost.g_walk_level
    tlb0, pte0, gpte0 = hart.tlb_misses, hart.pte_reads, hart.g_pte_reads
    walks0, gwalks0 = hart.walks, hart.g_walks
    walked = 0  # walk cycles charged in this slice
    trap_ps = cost.trap_entry * cycle_ps
    handling_ps = host.handling_ps
    handlers, unhandled = exits.HANDLERS, exits.unhandled
    log_exit = vcpu.exit_log.append
    vm_name, vcpu_index = vm.name, vcpu.index
    # [stats] instructions retired or emulated since the last yield: added to the vCPU's counts
    # before every yield (nothing reads them while this process runs)
    unflushed = emulated = 0
    while True:
        if lag >= quantum:
            stats.instructions += unflushed
            if emulated:
                counters["instructions.emulated"] += emulated
            vcpu.slice_retired = retired
            unflushed = emulated = 0
            host.lag = 0
            yield env.timeout(lag)
            t0 = env.now
            lag = 0
        now = t0 + lag
        host.lag = lag
        clock.batch_start = now  # the hart's clock reads simulated time from here on
        if vm.vmid_generation != vmids.generation:  # rolled over while running
            vmid = vmids.ensure(vm)
            hart.hgatp = vm.gstage.hgatp(vmid)
            hart.state_changed()
        if vcpu.posted:
            vcpu.apply_posted()
        if vcpu.sbi_timer is not None or hart.vstimecmp != M64 or hart.vstimer:
            vcpu.check_timers()
            deadline = vcpu.timer_deadline()
        else:  # no timer armed (the check above is what timer_deadline would look at)
            deadline = None
        if not vm.running or vcpu.power is not STARTED:
            break
        if now >= slice_end:
            if sched.should_preempt(vcpu, pcpu):
                break
            slice_end = now + sched.slice_ps(vcpu)
        limit = slice_end
        if deadline is not None:
            limit = min(limit, -(-deadline * PS_PER_S // timebase_hz))
        budget = (limit - now) // insn_ps
        floor = None  # exact: the batch ends at a deadline or the slice end
        if budget > batch_insns:  # only the batch length bounds it: it may end a little early
            budget = batch_insns
            floor = batch_floor
        elif budget < 1:
            budget = 1
        if host.instruction_limit is not None:
            left = host.instruction_limit - host.total_instructions
            if left <= 0:
                host.limit_reached()
                break
            if left < budget:
                budget, floor = left, None
        n, reason = hart.run(budget, floor)
        retired += n
        unflushed += n
        host.total_instructions += n
        lag += n * insn_ps
        if charge_walks:  # [stats] walk costs of this batch (CostModel.walk_cycles, inlined)
            walk = (
                (hart.tlb_misses - tlb0) * c_miss
                + (hart.pte_reads - pte0) * c_pte
                + (hart.g_pte_reads - gpte0) * c_gpte
            )
            lag += (walk - walked) * cycle_ps
            walked = walk
        if reason is not VMEXIT:
            continue
        lag += trap_ps
        host.lag = lag
        # the exit's trap CSRs, read before the handler changes them
        cause = hart.scause
        sepc = hart.sepc
        stval = hart.stval
        htval = hart.htval
        htinst = hart.htinst
        try:  # exits.dispatch, inlined
            result = handlers.get(cause, unhandled)(vcpu, hart)
        except Exception as exc:
            result = exits.handler_failed(exc)
        action, kind, detail = result[:3]
        handling = handling_ps.get((kind, detail))
        if handling is None:
            handling = handling_ps[kind, detail] = cost.handling(kind, detail) * cycle_ps
        # [stats] one record per exit, built in C (tuple.__new__ skips ExitRecord's Python
        # constructor); the per-exit counters are derived from these records when read
        fields = (
            t0 + lag,
            vm_name,
            vcpu_index,
            cause,
            kind,
            detail,
            sepc,
            stval,
            htval,
            htinst,
            handling,
        )
        log_exit(new_record(ExitRecord, fields))
        lag += handling
        if kind in EMULATED_KINDS:  # the handler performed the guest's instruction
            unflushed += 1
            emulated += 1
        if action is RESUME:  # vcpu.resume, inlined: SRET back to the guest
            hart.pc = hart.sepc
            hart.enter_from_hs_return()
            continue
        if action is Action.BLOCK:
            vcpu.blocked = True
            host.blocked_vcpus.add(vcpu)  # [stats] wake-up cost when it next runs
        elif action is Action.POWER_OFF:
            vcpu.power = Power.STOPPED
        elif action is Action.CRASH:
            vm.stop("crashed", crash_report(vcpu, hart, result.crash_reason, t0 + lag))
        break
    stats.instructions += unflushed
    if emulated:
        counters["instructions.emulated"] += emulated
    if hart.virt:
        hart.leave_guest()
    vcpu.save(hart)
    end = t0 + lag
    vcpu.slice_start = None
    host.end_ps = max(host.end_ps, end)
    host.stats.slices.append(
        SliceRecord(slice_start, end, vm.name, vcpu.index, pcpu.index, retired)
    )
    stats.run_ps += end - slice_start
    pcpu.busy_ps += end - slice_start
    counters = stats.base  # [stats] this slice's TLB and page-walk counts
    counters["tlb.misses"] += hart.tlb_misses - tlb0
    counters["tlb.walks"] += hart.walks - walks0
    counters["tlb.pte_reads"] += hart.pte_reads - pte0
    counters["tlb.g_walks"] += hart.g_walks - gwalks0
    counters["tlb.g_pte_reads"] += hart.g_pte_reads - gpte0
    counters["cost.walk"] += walked * cycle_ps
    host.lag = 0
    yield env.timeout(lag + cost.world_switch * cycle_ps)


def last_exits(vcpu: Vcpu, count: int = LAST_EXITS) -> list:
    """The vCPU's most recent exit records (found from the end of the run's exit list)."""
    found = []
    for rec in reversed(vcpu.vm.host.stats.exits):
        if rec.vm == vcpu.vm.name and rec.vcpu == vcpu.index:
            found.append(rec)
            if len(found) == count:
                break
    return found[::-1]


def crash_report(vcpu: Vcpu, hart: Hart, reason: str, time_ps: int) -> CrashReport:
    return CrashReport(
        vm=vcpu.vm.name,
        vcpu=vcpu.index,
        reason=reason,
        cause=hart.scause,
        sepc=hart.sepc,
        stval=hart.stval,
        htval=hart.htval,
        htinst=hart.htinst,
        regs=list(hart.x),
        time_ps=time_ps,
        last_exits=last_exits(vcpu),
    )

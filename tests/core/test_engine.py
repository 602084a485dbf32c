"""The execution engine: ``Hart.run`` semantics, precise traps inside translated blocks,
self-modifying code, page-crossing instructions, several harts on one memory, the trace and
the retired-instruction/cycle counters.

Architectural expectations come from the specs: a trapping instruction does not retire and
its address goes to xepc (precise exceptions); an explicit CSR read returns the state before
the instruction and an explicit write overrides the instruction's own implicit update (Zicsr,
"CSR Access Ordering"); FENCE.I makes earlier stores visible to instruction fetch (Zifencei);
a fetch fault on the second half of an instruction reports that half's address in xtval.
``run(budget)`` retiring exactly ``budget`` instructions when nothing traps is the engine's own
contract, checked against single-stepping.
"""

from __future__ import annotations

import io
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hvsim.core.clock import InstructionClock
from hvsim.core.trap import StopReason

PRV_M = 3
M64 = (1 << 64) - 1
LOAD_ACCESS, FETCH_PF = 5, 12
V, R, W, X, U, G, A, D = (1 << i for i in range(8))
RAM_END = 0x8000_0000 + (64 << 20)  # nothing is mapped there: accesses fault


def minstret_handler(m) -> int:
    """mtvec -> ``csrr t6, minstret; j .``: t6 = instructions retired before the trap."""
    handler = m.DATA + 0xF00
    m.place(handler, "csrr t6, minstret\nj .")
    m.set_csr("mtvec", handler)
    return handler


# ---- precise traps ------------------------------------------------------------------------------
PREFIXES = {
    "straight": "li a0, 1\nli a1, 2",
    # a not-taken branch and a followed direct jump: one translated superblock or several,
    # the trap must be just as precise
    "branchy": "li a0, 1\nbeq a0, zero, 9f\nj 1f\n9: li a0, 99\n1: li a1, 2",
}


@pytest.mark.parametrize("prefix", list(PREFIXES))
def test_trap_in_the_middle_of_a_block_is_precise(m, prefix: str) -> None:
    handler = minstret_handler(m)  # minstret starts at 0 on a fresh hart
    code = PREFIXES[prefix] + "\nld a2, 0(a3)\nli a4, 4\nli a5, 5"
    s = m.run(code, regs={13: RAM_END, 12: 0x77, 14: 0x99})
    assert m.hart.pc == handler + 4 and s.where.startswith("pc=")
    assert m.csr("mcause") == LOAD_ACCESS and m.csr("mtval") == RAM_END
    faulting = m.CODE + m.asm(code, m.CODE).index(m.asm("ld a2, 0(a3)", 0))
    assert m.csr("mepc") == faulting
    x = m.hart.x
    assert (x[10], x[11], x[12], x[14]) == (1, 2, 0x77, 0x99)  # a2 not written, a4 not run
    assert x[31] == {"straight": 2, "branchy": 4}[prefix]


def test_trap_inside_a_loop_block_is_precise(m) -> None:
    """A loop whose load walks off the end of RAM on its 6th iteration."""
    handler = minstret_handler(m)  # minstret starts at 0 on a fresh hart
    code = "li a0, 0\n1: addi a0, a0, 1\nld a1, 0(a2)\naddi a2, a2, 8\nbne a0, a5, 1b"
    start = RAM_END - 5 * 8
    m.run(code, regs={12: start, 15: 1000}, budget=500)
    assert m.hart.pc == handler + 4
    assert m.csr("mcause") == LOAD_ACCESS and m.csr("mtval") == RAM_END
    assert m.csr("mepc") == m.CODE + 8  # the ld
    x = m.hart.x
    assert x[10] == 6 and x[12] == RAM_END
    assert x[31] == 1 + 5 * 4 + 1  # li, five full iterations, the 6th addi


def test_retired_count_of_run_excludes_the_trapping_instruction(m) -> None:
    m.load("nop\nnop\nnop\n.word 0")
    m.set_csr("mtvec", m.DATA)
    m.mem.write(m.DATA, 4, 0x0010_0073)  # ebreak: the handler traps again, never retires
    retired, _ = m.hart.run(4)
    assert retired == 3
    assert m.csr("minstret") == 3


# ---- budget exactness ---------------------------------------------------------------------------
PROGRAM = """
    li a0, 0
    li a1, 0
outer:
    addi a0, a0, 1
    andi t2, a0, 3
    beqz t2, skip
    addi a6, a6, 5
skip:
    j cont
    addi a7, a7, 1
cont:
inner:
    addi a1, a1, 3
    andi t0, a1, 15
    bnez t0, inner
    .option rvc
    c.addi a2, 1
    .option norvc
    csrr t1, minstret
    xor a3, a3, t1
    sd a3, 0(a4)
    ld a5, 0(a4)
    j outer
"""


def fresh(make_machine):
    m = make_machine()
    m.load(PROGRAM)
    m.hart.x[14] = m.DATA
    return m


def snapshot(m) -> tuple:
    h = m.hart
    return (tuple(h.x), h.pc, m.csr("minstret"), m.mem.read(m.DATA, 8))


@settings(
    max_examples=30,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],  # a stateless factory
)
@given(chunks=st.lists(st.integers(1, 120), min_size=1, max_size=4))
def test_run_retires_exactly_the_budget(make_machine, chunks: list[int]) -> None:
    """run(n) retires exactly n instructions when nothing traps, and any split of a run into
    chunks ends in the same state as single-stepping the same number of instructions."""
    total = sum(chunks)
    batch = fresh(make_machine)
    for n in chunks:
        retired, reason = batch.hart.run(n)
        assert (retired, reason) == (n, StopReason.BUDGET)
    stepped = fresh(make_machine)
    for _ in range(total):
        assert stepped.hart.run(1)[0] == 1
    assert snapshot(batch) == snapshot(stepped)
    assert batch.csr("minstret") == total


def test_a_floor_lets_the_batch_end_early_at_a_block_boundary(make_machine) -> None:
    """With a floor the batch ends at the first block boundary past it where the next block
    does not fit, never beyond the budget; the state is that of as many single steps."""
    for budget, floor in ((50, 30), (200, 150), (37, 37)):
        m = fresh(make_machine)
        m.hart.code_cache.hot_threshold = 0  # compiled blocks, whose horizons exceed a step
        for _ in range(3):
            n, reason = m.hart.run(budget, floor)
            assert reason is StopReason.BUDGET and floor <= n <= budget
            stepped = fresh(make_machine)
            for _ in range(m.hart.retired):
                stepped.hart.run(1)
            assert snapshot(stepped) == snapshot(m)


def test_zero_budget_runs_nothing(m) -> None:
    m.load("li a0, 1")
    assert m.hart.run(0)[0] == 0
    assert m.hart.pc == m.CODE and m.hart.x[10] == 0


# ---- self-modifying code ------------------------------------------------------------------------
SMC = """
    jal ra, target
    mv s2, a0
    sw t1, 0(t2)
    {fence}
    jal ra, target
    mv s3, a0
    j 9f
target:
    li a0, 1
    ret
9:
"""


def test_store_to_executed_code_then_fence_i_runs_the_new_code(m) -> None:
    """Zifencei: after FENCE.I, fetches see the earlier store to the instruction."""
    source = SMC.format(fence="fence.i")
    code = m.asm(source, m.CODE)
    target = m.CODE + code.index(m.asm("li a0, 1\nret", 0))
    new = int.from_bytes(m.asm("li a0, 2", 0), "little")
    s = m.run(source, regs={6: new, 7: target}, budget=100)
    assert s.where == "end"
    assert (m.hart.x[18], m.hart.x[19]) == (1, 2)


def test_store_to_translated_code_is_seen_by_a_later_batch(m) -> None:
    """Without FENCE.I the spec guarantees nothing; the hart invalidates translated code on
    stores (QEMU-like), so a later batch runs the new instruction.  (Within the very block
    that did the store, the old instruction may still run: also allowed by the spec.)"""
    target = m.DATA + 0x2000
    m.place(target, "li a0, 1\nret")
    new = int.from_bytes(m.asm("li a0, 2", 0), "little")
    regs = {9: target, 6: new, 7: target}
    assert m.run("jalr ra, 0(s1)\nmv s2, a0\nsw t1, 0(t2)", regs=regs).where == "end"
    assert m.run("jalr ra, 0(s1)\nmv s3, a0", at=m.CODE + 0x400).where == "end"
    assert (m.hart.x[18], m.hart.x[19]) == (1, 2)


def test_store_then_fence_i_inside_one_block(m) -> None:
    """The patched instruction is in the same straight-line block as the store."""
    new = int.from_bytes(m.asm("li a0, 2", 0), "little")
    s = m.run("sw t1, 12(t2)\nfence.i\nnop\nli a0, 1", regs={6: new, 7: m.CODE}, budget=50)
    assert s.where == "end" and m.hart.x[10] == 2
    # and again, now that the patched block exists: patch it back
    old = int.from_bytes(m.asm("li a0, 1", 0), "little")
    m.hart.x[6] = old
    m.hart.pc = m.CODE
    m.resume(50)
    assert m.hart.x[10] == 1


def test_code_rewritten_by_the_loader_between_runs(m) -> None:
    m.run("li a0, 1")
    assert m.hart.x[10] == 1
    m.mem.write_bytes(m.CODE, m.asm("li a0, 3", 0))  # same length: end pad unchanged
    m.run(None)
    assert m.hart.x[10] == 3


# ---- instructions that straddle a page boundary -------------------------------------------------
def straddle(m, base: int, lower_pa: int, upper_pa: int) -> int:
    """At virtual ``base`` + 0xFF8: li a0,5; c.nop; li a1,7 (crossing into the next page);
    li a2,9; j .  The first page's bytes go to ``lower_pa``, the second's to ``upper_pa``."""
    code = m.asm(
        "li a0, 5\n.option rvc\nc.nop\n.option norvc\nli a1, 7\nli a2, 9\nj .", base + 0xFF8
    )
    m.mem.write_bytes(lower_pa + 0xFF8, code[:8])
    m.mem.write_bytes(upper_pa, code[8:])
    return base + 0xFF8


def test_page_crossing_instruction_in_bare_mode(m) -> None:
    page = m.CODE + 0x2000
    start = straddle(m, page, page, page + 0x1000)
    m.hart.pc = start
    m.hart.run(10)
    x = m.hart.x
    assert (x[10], x[11], x[12]) == (5, 7, 9)
    assert m.hart.pc == page + 0x1000 + 6  # spinning on the final j .


def paged_straddle(m):
    """Sv39 in HS: the two code pages map to non-adjacent physical pages."""
    pt = m.page_tables(3)
    va = 0x4000_0000
    lower, upper = m.DATA + 0x10000, m.DATA + 0x30000
    pt.map(va, lower, V | R | X | A)
    leaf2 = pt.map(va + 0x1000, upper, V | R | X | A)
    pt.map(m.CODE, m.CODE, V | R | X | A)
    m.set_csr("satp", pt.atp(8))
    start = straddle(m, va, lower, upper)
    return pt, leaf2, start, upper


def run_hs(m, pc: int, budget: int = 10) -> None:
    h = m.hart
    h.pc, h.priv, h.virt = pc, 1, False
    h.state_changed()
    m.resume(budget)


def test_page_crossing_instruction_follows_the_second_page_mapping(m) -> None:
    pt, leaf2, start, upper = paged_straddle(m)
    run_hs(m, start)
    assert m.hart.x[11] == 7
    # remap the second page to a copy whose upper half of `li a1` encodes another immediate
    copy = m.DATA + 0x50000
    data = bytearray(m.mem.read_bytes(upper, 0x10))
    new = int.from_bytes(m.asm("li a1, 0x123", 0), "little")
    data[0:2] = (new >> 16).to_bytes(2, "little")  # same low half (opcode, rd, funct3, rs1)
    assert new & 0xFFFF == int.from_bytes(m.asm("li a1, 7", 0), "little") & 0xFFFF
    m.mem.write_bytes(copy, bytes(data))
    pt.write_pte(leaf2, ((copy >> 12) << 10) | V | R | X | A)
    m.hart.x[11] = 0
    m.place(m.CODE, "sfence.vma\nj .")  # fence from HS, then run the straddling code
    run_hs(m, m.CODE, 2)
    run_hs(m, start)
    assert m.hart.x[11] == 0x123


def test_fetch_fault_on_the_second_half_reports_the_second_page(m) -> None:
    pt, leaf2, start, _ = paged_straddle(m)
    pt.write_pte(leaf2, 0)
    run_hs(m, start)
    assert m.where() == "M"
    assert m.csr("mcause") == FETCH_PF
    assert m.csr("mepc") == start + 6  # the instruction starts on the first page
    assert m.csr("mtval") == (start + 8) & ~0xFFF  # the faulting portion: the second page
    assert m.hart.x[10] == 5  # the instructions before it retired


def hs_paging(m):
    pt = m.page_tables(3)
    pt.map(m.CODE, m.CODE, V | R | X | A)
    return pt


def test_remapped_code_page_runs_the_new_code_after_sfence_vma(m) -> None:
    """The same virtual pc, a new physical page: after the fence the new code runs."""
    pt = hs_paging(m)
    va = 0x4000_0000
    first, second = m.DATA + 0x10000, m.DATA + 0x20000
    m.place(first, "li a0, 1\nret")
    m.place(second, "li a0, 2\nret")
    leaf = pt.map(va, first, V | R | X | A)
    m.set_csr("satp", pt.atp(8))
    code = "jalr ra, 0(s1)\nmv s2, a0\nsfence.vma\njalr ra, 0(s1)\nmv s3, a0"
    m.load(code)
    m.hart.x[9] = va
    m.hart.priv = 1
    m.hart.state_changed()
    m.resume(3)  # first call done
    pt.write_pte(leaf, ((second >> 12) << 10) | V | R | X | A)
    m.resume(20)
    assert (m.hart.x[18], m.hart.x[19]) == (1, 2)
    assert m.where() == "end"


def test_address_spaces_with_the_same_code_addresses(m) -> None:
    """Two ASIDs map one virtual code page to different code: switching satp switches code
    (no fence needed: the translations are tagged with different ASIDs)."""
    va = 0x4000_0000
    tables = []
    for n, asid in ((1, 1), (2, 2)):
        pt = hs_paging(m)
        page = m.DATA + 0x10000 * n
        m.place(page, f"li a0, {n}\nret")
        pt.map(va, page, V | R | X | A)
        tables.append(pt.atp(8, asid))
    code = "csrw satp, s4\njalr ra, 0(s1)\nmv s2, a0\ncsrw satp, s5\njalr ra, 0(s1)\nmv s3, a0"
    code += "\ncsrw satp, s4\njalr ra, 0(s1)\nmv s6, a0"
    s = m.run(code, priv=1, regs={9: va, 20: tables[0], 21: tables[1]}, budget=50)
    assert s.where == "end"
    assert (m.hart.x[18], m.hart.x[19], m.hart.x[22]) == (1, 2, 1)


def test_guest_code_remapped_at_the_g_stage_after_hfence_gvma(m) -> None:
    g = m.page_tables(3, gstage=True)
    g.map(m.CODE, m.CODE, V | R | X | U | A)
    gpa = 0x2000_0000
    first, second = m.DATA + 0x10000, m.DATA + 0x20000
    m.place(first, "li a0, 1\nret")
    m.place(second, "li a0, 2\nret")
    leaf = g.map(gpa, first, V | R | X | U | A)
    m.set_csr("hgatp", g.atp(8, 5))
    m.run("jalr ra, 0(s1)", priv=1, virt=True, regs={9: gpa}, budget=5)
    assert m.hart.x[10] == 1
    g.write_pte(leaf, ((second >> 12) << 10) | V | R | X | U | A)
    assert m.run("hfence.gvma", priv=1, budget=3).where == "end"
    m.run("jalr ra, 0(s1)", priv=1, virt=True, regs={9: gpa}, budget=5)
    assert m.hart.x[10] == 2


def test_two_harts_run_different_code_at_the_same_virtual_address(m) -> None:
    h0, h1 = m.hart, m.new_hart(hartid=1)
    va = 0x4000_0000
    for h, n in ((h0, 1), (h1, 2)):
        pt = hs_paging(m)
        page = m.DATA + 0x10000 * n
        m.place(page, f"li a0, {n}\nj .")
        pt.map(va, page, V | R | X | A)
        h.csr_write(0x180, pt.atp(8))
        h.pc, h.priv = va, 1
        h.state_changed()
    for _ in range(2):
        h0.run(3)
        h1.run(3)
    assert (h0.x[10], h1.x[10]) == (1, 2)


# ---- two harts, one memory ----------------------------------------------------------------------
def test_two_harts_share_memory_and_translated_code(m) -> None:
    h0 = m.hart
    h1 = m.new_hart(hartid=1)
    m.load("csrr a0, mhartid\naddi a0, a0, 10\nsd a0, 0(a1)\nlw a2, 0(a3)")
    for h, slot in ((h0, 0), (h1, 8)):
        h.pc = m.CODE
        h.x[11] = m.DATA + slot
        h.x[13] = m.DATA + 8 - slot  # reads the other hart's slot
    h0.run(3)
    h1.run(10)
    h0.run(7)
    assert m.mem.read(m.DATA, 8) == 10 and m.mem.read(m.DATA + 8, 8) == 11
    assert h1.x[12] == 10 and h0.x[12] == 11
    assert h0.code_cache is h1.code_cache  # one translation serves both harts


def test_code_patched_by_one_hart_runs_on_the_other_after_fence_i(m) -> None:
    h0 = m.hart
    h1 = m.new_hart(hartid=1)
    target = m.DATA + 0x2000
    m.place(target, "li a0, 1\nret")
    caller = "fence.i\njalr ra, 0(s1)"
    m.load(caller)
    h1.x[9] = target
    h1.pc = m.CODE
    h1.run(10)
    assert h1.x[10] == 1
    # hart 0 patches the shared code with an ordinary store
    new = int.from_bytes(m.asm("li a0, 2", 0), "little")
    m.place(m.DATA + 0x3000, "sw t1, 0(t2)\nj .")
    h0.x[6], h0.x[7], h0.pc = new, target, m.DATA + 0x3000
    h0.run(5)
    h1.pc = m.CODE
    h1.run(10)
    assert h1.x[10] == 2


# ---- trace --------------------------------------------------------------------------------------
TRACE_LINE = re.compile(
    r"0x(?P<pc>[0-9a-f]{16}) \(0x(?P<raw>[0-9a-f]{4}|[0-9a-f]{8})\) (?P<asm>.+)"
)


def test_trace_prints_every_instruction(make_machine) -> None:
    code = "li a0, 5\n.option rvc\nc.addi a0, 3\n.option norvc\nslli a1, a0, 2\nsd a1, 0(a2)"
    plain = make_machine()
    plain.run(code, regs={12: plain.DATA}, budget=4)
    m = make_machine()
    m.hart.trace = io.StringIO()
    m.run(code, regs={12: m.DATA}, budget=4)
    assert m.hart.x == plain.hart.x  # tracing changes nothing architectural
    lines = m.hart.trace.getvalue().splitlines()
    assert len(lines) == 4
    raw = m.asm(code, m.CODE)
    pcs = [m.CODE, m.CODE + 4, m.CODE + 6, m.CODE + 10]
    words = [raw[0:4], raw[4:6], raw[6:10], raw[10:14]]
    mnemonics = [("li", "addi"), ("addi", "c.addi"), ("slli",), ("sd",)]
    for line, pc, word, names in zip(lines, pcs, words, mnemonics, strict=True):
        found = TRACE_LINE.search(line)
        assert found, line
        assert int(found["pc"], 16) == pc
        assert int(found["raw"], 16) == int.from_bytes(word, "little")
        assert len(found["raw"]) == 2 * len(word)
        assert found["asm"].split()[0] in names, line


# ---- counters -----------------------------------------------------------------------------------
def test_mcycle_equals_minstret_at_one_instruction_per_cycle(m) -> None:
    code = "csrw minstret, zero\ncsrw mcycle, zero\n1: addi a0, a0, 1\nbne a0, a1, 1b\n"
    code += "csrr s2, minstret\ncsrr s3, mcycle"
    m.run(code, regs={11: 50}, budget=500)
    x = m.hart.x
    # minstret: 1 (the csrw mcycle) + 100 (the loop); mcycle: the loop + the csrr of minstret
    assert x[18] == 101 and x[19] == 101


def test_host_write_of_a_counter_reads_back(m) -> None:
    """``Hart.csr_write`` (the host's interface, not an instruction) then ``csr_read``."""
    m.set_csr("minstret", 1000)
    m.set_csr("mcycle", 0)
    assert (m.csr("minstret"), m.csr("mcycle")) == (1000, 0)
    m.run("nop\nnop", budget=2)
    assert m.csr("minstret") == 1002


def test_explicit_counter_write_overrides_the_increment(m) -> None:
    """Zicsr: an explicit CSR write suppresses the instruction's own implicit update, and a
    read returns the state before the instruction."""
    s = m.run("csrw minstret, a1\ncsrr a2, minstret\ncsrr a3, minstret\n"
              "csrw mcycle, a1\ncsrr a4, mcycle", regs={11: 1000})  # fmt: skip
    assert s.where == "end"
    x = m.hart.x
    assert (x[12], x[13], x[14]) == (1000, 1001, 1000)


def test_mcountinhibit_freezes_the_counters(m) -> None:
    m.set_csr("mcountinhibit", 0b101)  # CY and IR
    before = (m.csr("mcycle"), m.csr("minstret"))
    m.run("nop\nnop\nnop", budget=3)
    assert (m.csr("mcycle"), m.csr("minstret")) == before
    m.set_csr("mcountinhibit", 0)
    m.run("nop\nnop\nnop", budget=3)
    assert m.csr("minstret") == before[1] + 3


def test_idle_time_advances_mcycle_and_time_but_not_minstret(make_machine) -> None:
    clock = InstructionClock(freq_hz=1_000_000_000, timebase_hz=10_000_000)
    m = make_machine(clock=clock)
    m.run("wfi", budget=10)
    assert m.hart.run(1)[1] == StopReason.WFI
    cycles, insns, mtime = m.csr("mcycle"), m.csr("minstret"), clock.mtime()
    clock.skip_idle_to(mtime + 50)
    assert clock.mtime() == mtime + 50
    assert m.csr("mcycle") == (mtime + 50) * 100 > cycles
    assert m.csr("minstret") == insns
    assert m.csr("time") == mtime + 50

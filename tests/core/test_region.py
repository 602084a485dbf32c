"""The region compiler and value forwarding (hvsim.core.region, .translate, .forward).

Two kinds of check:

* structure: which blocks a region holds, its loops and their nesting, irreducible flow,
  horizons, and that code that never ran stays out;
* behaviour: programs run *compiled* (every block compiled on its first run into a region
  that follows every edge) must end in exactly the state of the same programs single-stepped
  through the cold tier, which shares no code with the compiler or the forwarding pass beyond
  the instruction definitions.  That includes precise traps in the middle of forwarded
  chains, where the registers the trap handler sees must be the architectural ones.
"""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from hvsim.core.region import discover
from hvsim.core.trap import StopReason

M64 = (1 << 64) - 1
UNMAPPED = 0x4000_0000  # below RAM, no device: any access there is an access fault
PTE_V, PTE_R, PTE_X, PTE_A = 1 << 0, 1 << 1, 1 << 3, 1 << 6  # Sv39 PTE bits


def compiled(m) -> None:
    m.hart.code_cache.hot_threshold = 0
    m.hart.code_cache.follow_unreached = True


def region_of(m, code: str, at: int | None = None):
    m.load(code)
    pc = m.CODE if at is None else at
    return discover(m.hart, pc, pc, None)


def state(m) -> tuple:
    h = m.hart
    return (
        tuple(h.x),
        h.pc,
        m.csr("mepc"),
        m.csr("mcause"),
        m.csr("mtval"),
        m.csr("minstret"),
        m.mem.read_bytes(m.DATA, 256),
    )


def run_both(make_machine, code: str, regs: dict[int, int], steps: int) -> tuple[tuple, tuple]:
    """(state after running ``steps`` compiled, state after single-stepping them)."""
    results = []
    for tier in ("compiled", "stepped"):
        m = make_machine()
        if tier == "compiled":
            compiled(m)
        m.load(code)
        for r, v in regs.items():
            m.hart.x[r] = v
        m.mem.write_bytes(m.DATA, bytes(range(256)))
        if tier == "compiled":
            done = 0
            while done < steps:
                n, reason = m.hart.run(steps - done)
                done += n
                if n == 0 and reason is not StopReason.BUDGET:
                    break
        else:
            done = 0
            for _ in range(4 * steps):  # a trap takes a step and retires nothing
                if done == steps:
                    break
                done += m.hart.run(1)[0]
        results.append(state(m))
    return results[0], results[1]


# ---- structure ----------------------------------------------------------------------------------
NESTED = """
    .option norvc
    li t0, 3
outer:
    li t1, 4
inner:
    addi a0, a0, 1
    addi t1, t1, -1
    bnez t1, inner
    addi t0, t0, -1
    bnez t0, outer
    ret
"""


def test_nested_loops_are_found_and_nested(m) -> None:
    region = region_of(m, NESTED)
    assert len(region.loops) == 2
    inner = min(region.loops.values(), key=lambda lp: len(lp.body))
    outer = max(region.loops.values(), key=lambda lp: len(lp.body))
    assert inner.parent is outer and inner in outer.children
    assert inner.header.start == m.CODE + 8 and outer.header.start == m.CODE + 4
    assert inner.body < outer.body


def test_horizon_is_the_longest_path_to_a_back_edge(m) -> None:
    region = region_of(m, NESTED)
    inner = region.nodes[m.CODE + 8]
    # the inner body (3), or the inner body, the outer latch (2) and the ret (1) that leaves
    assert inner.horizon == 3 + 2 + 1
    assert region.nodes[m.CODE + 20].horizon == 2 + 1
    # the entry: li t0 and li t1, then the inner header's horizon
    assert region.nodes[m.CODE].horizon == 1 + 1 + 6


def test_code_that_never_ran_stays_out_of_the_region(m) -> None:
    m.load(NESTED)
    pc = m.CODE
    region = discover(m.hart, pc, pc, {0, 4, 8, 12, 16})  # reached: up to the inner bnez
    assert sorted(region.nodes) == [pc, pc + 8]  # li t0, li t1 | the inner loop
    assert pc + 20 in region.nodes[pc + 8].succs  # the outer latch: an exit
    assert len(region.loops) == 1


def test_irreducible_flow_leaves_the_region(m) -> None:
    # two loops entered in the middle: a -> b -> c -> b, and a -> c directly
    code = """
        beqz a0, 2f
    1:  addi a1, a1, 1
    2:  addi a2, a2, 1
        bnez a3, 1b
        ret
    """
    region = region_of(m, code)
    assert not region.loops  # neither block dominates the other: no natural loop
    assert region.excluded


def test_compiled_nested_loops_count_exactly(make_machine) -> None:
    a, b = run_both(make_machine, NESTED, {}, 46)  # all but the ret
    assert a == b
    assert a[0][10] == 12  # a0 = 3 x 4


def test_batch_end_inside_a_region_is_exact(make_machine) -> None:
    """Budgets that end anywhere inside nested loops retire exactly the budget."""
    for budget in range(1, 45):
        m = make_machine()
        compiled(m)
        m.load(NESTED)
        n, _ = m.hart.run(budget)
        assert n == budget
        ref = make_machine()
        ref.load(NESTED)
        for _ in range(n):
            ref.hart.run(1)
        assert m.hart.x == ref.hart.x and m.hart.pc == ref.hart.pc


# ---- forwarding ------------------------------------------------------------------------------
def test_forwarded_value_reading_its_own_register_stays_exact(make_machine) -> None:
    """The pattern Linux's slob_free_pages compiles to: a0 = a0 - a5 read once by the next
    instruction, which writes a5, with a load (a possible trap) before a0 is rewritten."""
    code = """
        sub a0, a0, a5
        srli a5, a0, 12
        ld a4, 0(s1)
        sub a5, a5, a4
        li a4, 56
        mul a5, a5, a4
        add a0, a3, a5
    """
    regs = {10: 0xFFFF_AF80_03D2_AA40, 15: 0xFFFF_AF80_0000_0000, 9: 0, 13: 0x1000}
    for steps in range(1, 8):
        a, b = run_both(make_machine, code, {**regs, 9: 0x8010_0000}, steps)
        assert a == b, steps


def test_trap_in_a_forwarded_chain_sees_the_architectural_registers(make_machine) -> None:
    code = f"""
        li t3, {UNMAPPED}
        addi a0, a0, 5
        slli a0, a0, 3
        xor a1, a0, a2
        ld a3, 0(t3)
        add a0, a1, a1
        addi a1, a1, 1
    """
    a, b = run_both(make_machine, code, {10: 7, 12: 0x55}, 12)
    assert a == b
    h_x = a[0]
    assert h_x[10] == (7 + 5) << 3 and h_x[11] == ((7 + 5) << 3) ^ 0x55
    assert a[3] == 5  # load access fault, taken at the ld


REGS = (5, 6, 7, 10, 11, 12)  # few registers: long dependency chains, self references
OPS_RR = ("add", "sub", "xor", "and", "or", "sll", "srl", "sra", "mul", "addw", "subw", "sllw",
          "srlw", "sraw", "slt", "sltu", "mulh", "mulhu", "divu", "remw")  # fmt: skip
OPS_RI = ("addi", "xori", "andi", "ori", "slti", "sltiu", "addiw")
OPS_SH = ("slli", "srli", "srai")
OPS_SHW = ("slliw", "srliw", "sraiw")


def random_block(rng: random.Random, length: int) -> str:
    lines = []
    for _ in range(length):
        r = rng.random()
        rd, rs1, rs2 = (rng.choice(REGS) for _ in range(3))
        if r < 0.4:
            lines.append(f"{rng.choice(OPS_RR)} x{rd}, x{rs1}, x{rs2}")
        elif r < 0.6:
            lines.append(f"{rng.choice(OPS_RI)} x{rd}, x{rs1}, {rng.randint(-2048, 2047)}")
        elif r < 0.7:
            lines.append(f"{rng.choice(OPS_SH)} x{rd}, x{rs1}, {rng.randint(0, 63)}")
        elif r < 0.75:
            lines.append(f"{rng.choice(OPS_SHW)} x{rd}, x{rs1}, {rng.randint(0, 31)}")
        elif r < 0.8:
            lines.append(f"lui x{rd}, {rng.randint(0, 0xFFFFF)}")
        elif r < 0.88:
            size = rng.choice(("ld", "lw", "lbu", "lh"))
            lines.append(f"{size} x{rd}, {rng.randrange(0, 200, 8)}(s1)")
        elif r < 0.95:
            size = rng.choice(("sd", "sw", "sb"))
            lines.append(f"{size} x{rs2}, {rng.randrange(0, 200, 8)}(s1)")
        elif r < 0.96:
            lines.append(f"ld x{rd}, 0(s0)")  # s0 is unmapped: a trap
        elif r < 0.975:  # a computed address, forwarded into a load or store
            lines.append(f"addi x{rd}, s1, {rng.randrange(0, 200, 8)}")
            mem = rng.choice(("ld", "sd", "lw", "sb"))
            lines.append(f"{mem} x{rs2 if mem[0] == 's' else rs1}, 0(x{rd})")
        else:
            lines.append(f"mv x{rd}, x{rs1}")
    return "\n".join(lines)


@settings(
    max_examples=150,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(seed=st.integers(0, 2**32), length=st.integers(2, 30), loop=st.booleans())
def test_random_chains_compiled_match_single_steps(make_machine, seed: int, length: int,
                                                   loop: bool) -> None:  # fmt: skip
    rng = random.Random(seed)
    body = random_block(rng, length)
    if loop:  # the same block three times round a loop: forwarded values meet back edges
        code = f"li t6, 3\n1:\n{body}\naddi t6, t6, -1\nbnez t6, 1b"
    else:
        code = body
    note(code)
    regs = {r: rng.choice((0, 1, M64, 1 << 63, 0x7FFF_FFFF, rng.getrandbits(64))) for r in REGS}
    regs[9] = 0x8010_0000  # s1: the data area
    regs[8] = UNMAPPED  # s0
    steps = rng.randint(1, 3 * length + 8)
    a, b = run_both(make_machine, code, regs, steps)
    assert a == b


CALLS = """
    .option norvc
    li s2, 50
1:  mv a0, s2
    jal ra, square
    add s3, s3, a0
    jal ra, square
    xor s4, s4, a0
    addi s2, s2, -1
    bnez s2, 1b
    j 9f
square:
    mul a0, a0, a0
    ret
9:
"""


def test_returns_are_predicted_to_the_return_sites_of_the_region(m) -> None:
    region = region_of(m, CALLS)
    ret = next(n for n in region.nodes.values() if n.kind == "return")
    sites = {m.CODE + 12, m.CODE + 20}  # after each jal ra, square
    assert set(ret.succs) == sites
    assert region.loops  # the loop through the calls is one natural loop


def test_a_loop_that_calls_a_function_runs_in_one_call_of_its_region(make_machine) -> None:
    a, b = run_both(make_machine, CALLS, {}, 1 + 50 * 11)
    assert a == b
    assert a[0][19] == sum(i * i for i in range(1, 51))  # s3
    m = make_machine()
    compiled(m)
    m.load(CALLS)
    calls = []
    m.hart.run(20)  # compiles the region on its first run
    block = m.hart.code_cache.blocks[(m.CODE + 4, m.CODE + 4, False)]
    inner = block.fn

    def counting(X, h, n):
        calls.append(n)
        return inner(X, h, n)

    m.hart.jc[m.CODE + 4] = (counting, block.count, True)
    m.hart.pc = m.CODE + 4
    m.hart.run(300)
    assert len(calls) <= 2  # the loop, its calls and returns stay inside the function


def test_a_mispredicted_return_leaves_the_region_to_the_real_target(make_machine) -> None:
    code = """
        .option norvc
        la ra, 8f
        jal t1, 2f     # a call through t1: ra keeps pointing at 8f
        li a1, 1
    2:  jal ra, 3f     # a call whose return site is predicted
        li a2, 2
    3:  la ra, 8f
        ret            # returns to 8f, not to the predicted site
    8:  li a3, 3
    """
    a, b = run_both(make_machine, code, {}, 9)
    assert a == b
    assert a[0][13] == 3 and a[0][12] == 0


class Doorbell:
    """A device whose register write raises the machine software interrupt line."""

    size = 0x1000

    def __init__(self, hart) -> None:
        self.hart = hart

    def read(self, offset: int, size: int) -> int:
        return 0

    def write(self, offset: int, size: int, value: int) -> None:
        self.hart.set_pending(1 << 3, bool(value))  # MSIP


def test_a_device_interrupt_raised_by_a_store_is_taken_after_that_store(make_machine) -> None:
    """The store's slow path raises a line: the compiled loop stops right after the store, so
    the interrupt's mepc is the next instruction, exactly as when single-stepping."""
    doorbell = 0x1000_0000
    code = f"""
        .option norvc
        li t0, {doorbell}
        li t1, 8
    1:  addi a0, a0, 1
        addi t1, t1, -1
        bnez t1, 2f
        sw t0, 0(t0)       # rings when t1 has counted down to zero
    2:  addi a1, a1, 3
        bnez t1, 1b
        j .
    """
    results = []
    for tier in ("compiled", "stepped"):
        m = make_machine()
        if tier == "compiled":
            compiled(m)
        m.mem.map_device(doorbell, 0x1000, Doorbell(m.hart))
        m.set_csr("mie", 1 << 3)
        m.set_csr("mstatus", 1 << 3)  # MIE
        m.load(code)
        if tier == "compiled":
            m.hart.run(200)
        else:
            for _ in range(200):
                m.hart.run(1)
        results.append((m.csr("mcause"), m.csr("mepc"), m.hart.x[10], m.hart.x[11]))
    assert results[0] == results[1]
    mcause, mepc, a0, a1 = results[0]
    assert mcause == (1 << 63) | 3 and a0 == 8 and a1 == 3 * 7
    assert mepc == m.CODE + 4 * 6  # the addi after the sw


def test_identical_code_on_different_pages_shares_its_compiled_region(m) -> None:
    """Two address spaces map one virtual address to two copies of the same code (two VMs
    running one kernel): the region is compiled once and both use the same function."""
    compiled(m)
    va = 0x4000_0000
    code = "li t0, 5\n1: addi a0, a0, 2\naddi t0, t0, -1\nbnez t0, 1b\n9: j 9b"
    image = m.asm(code, va)
    roots = []
    for n in (1, 2):
        page = m.DATA + 0x10000 * n
        m.mem.write_bytes(page, image)
        pt = m.page_tables(3)
        pt.map(va, page, PTE_V | PTE_R | PTE_X | PTE_A)
        roots.append((page, pt.atp(8, n)))
    h = m.hart
    for _page, atp in roots:
        m.set_csr("satp", atp)
        h.x[10] = 0
        h.pc, h.priv = va, 1
        h.state_changed()
        m.resume(16)
        assert h.x[10] == 10
    first, second = (m.hart.code_cache.blocks[(page, va, False)] for page, _ in roots)
    assert first is not second and first.fn is second.fn

"""The cost model: how much simulated time instructions, exits and switches take.

All figures are in CPU cycles of the pCPU running the vCPU, except device latencies (ns).
Defaults are round numbers of the order measured on real RISC-V hypervisors (a trap plus
world switch costs hundreds of cycles; an SBI call handled in the hypervisor around a thousand;
an MMIO exit that reaches a device model a few thousand).  Scenario files override any field
under ``[cost]``; the statistics issue extends this with per-instruction-class CPI and TLB-walk
costs.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class CostModel:
    cpi: int = 1  # cycles per guest instruction
    world_switch: int = 400  # vCPU load or put (GPRs, vs* CSRs, hgatp)
    trap_entry: int = 100  # hardware trap into HS plus the return (sret)
    #: Handling cost per exit kind (the keys are exit reason names); missing kinds use default.
    exit_handling: dict[str, int] = field(
        default_factory=lambda: {
            "sbi": 800,
            "csr": 600,
            "mmio": 2000,
            "wfi": 300,
            "demand_paging": 3000,
            "redirect": 300,
            "virtual_instruction": 600,
        }
    )
    default_handling: int = 1000

    def handling(self, kind: str) -> int:
        return self.exit_handling.get(kind, self.default_handling)

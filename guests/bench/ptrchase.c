/*
 * ptrchase: pointer chasing around one cycle through 8192 nodes (16 bytes each, 128 KiB,
 * 32 pages) linked in a shuffled order, so consecutive loads land on unrelated pages.
 *
 * Set-up draws a random permutation (Fisher-Yates with xorshift64) and links the nodes in
 * that order into a single cycle; each node holds its own index.  Each iteration walks the
 * cycle once from the head, summing the indices: after exactly 8192 steps the walk must be
 * back at the head and the sum must be 0 + 1 + ... + 8191.  Exit 0 = every lap correct.
 */
#include "bench.h"

#define CHASE_NODES 8192
#define CHASE_SEED 0x082efa98ec4e6c89ULL

BENCH_ITERS(400);

struct node {
    struct node *next;
    u64 index;
};

static struct node nodes[CHASE_NODES];
static u32 order[CHASE_NODES];

static struct node *build(void)
{
    u64 s = CHASE_SEED;
    for (u32 i = 0; i < CHASE_NODES; i++)
        order[i] = i;
    for (u32 i = CHASE_NODES - 1; i > 0; i--) {
        u32 j = (u32)(bench_xorshift(&s) % (i + 1));
        u32 t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    for (u32 i = 0; i < CHASE_NODES; i++) {
        struct node *p = &nodes[order[i]];
        p->next = &nodes[order[(i + 1) % CHASE_NODES]];
        p->index = order[i];
    }
    return &nodes[order[0]];
}

int main(void)
{
    struct node *head = build();
    const u64 want = (u64)CHASE_NODES * (CHASE_NODES - 1) / 2;
    u64 n = bench_iters;
    for (u64 it = 0; it < n; it++) {
        BENCH_BARRIER();
        struct node *p = head;
        u64 sum = 0;
        for (u32 k = 0; k < CHASE_NODES; k++) {
            sum += p->index;
            p = p->next;
        }
        if (p != head)
            return bench_report("ptrchase (cycle)", it, (u64)(uintptr_t)p,
                                (u64)(uintptr_t)head);
        if (sum != want)
            return bench_report("ptrchase (sum)", it, sum, want);
    }
    return bench_report("ptrchase", n, 0, 0);
}

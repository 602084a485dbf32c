/*
 * uart - an interrupt-driven echo through the NS16550A UART and the PLIC.
 *
 * Shows: the guest programs the UART like a small 8250 driver (divisor latch, 8N1, FIFOs,
 * OUT2), routes its interrupt (PLIC source 10) to its own S-mode context and sleeps in WFI.
 * Each received byte raises "RX data available": the external-interrupt handler claims the
 * source from the PLIC, reads every byte while LSR.DR is set and queues it for echo; output
 * leaves through a transmit ring drained by "THR empty" interrupts (IER.ETBEI is set while
 * the ring holds data).  Input ends with EOT (0x04, Ctrl-D), which is not echoed.
 * Output that proves it - the scenario's console input, echoed back line by line, then e.g.
 *    uart: echoed 35 bytes in 2 lines: 35 rx, 4 tx interrupts, 0 spurious claims
 *    PASS uart
 * A guest that never sees an interrupt fails after UART_TIMEOUT ticks of `time` instead of
 * hanging ("FAIL uart: timeout ...").
 */
#include "guest.h"
#include "plic.h"

DEFINE_GUEST();

#define UART_BASE 0x10000000UL
#define UART_IRQ 10
#ifndef UART_TIMEOUT
#define UART_TIMEOUT 50000000UL /* 5 s of `time` at 10 MHz */
#endif
#define EOT 0x04
#define FINISHER_BASE 0x100000UL
#define FINISHER_PASS 0x5555

/* registers (byte offsets, reg-shift 0) */
#define RBR 0
#define THR 0
#define DLL 0
#define IER 1
#define DLM 1
#define IIR 2
#define FCR 2
#define LCR 3
#define MCR 4
#define LSR 5
#define MSR 6

#define IER_RDI 0x01
#define IER_THRI 0x02
#define IIR_NO_INT 0x01
#define IIR_ID 0x0e
#define IIR_MSI 0x00
#define IIR_THRI 0x02
#define IIR_RDI 0x04
#define IIR_RLSI 0x06
#define IIR_RX_TIMEOUT 0x0c
#define LCR_DLAB 0x80
#define LCR_8N1 0x03
#define FCR_ENABLE_CLEAR_TX 0x05 /* keep what was received before we started */
#define MCR_DTR_RTS_OUT2 0x0b
#define LSR_DR 0x01
#define LSR_THRE 0x20
#define FIFO_SIZE 16

#define TX_RING 256

static volatile unsigned char tx_ring[TX_RING];
static volatile unsigned tx_head, tx_tail; /* producer: rx path, consumer: THRE path */
static volatile unsigned long rx_bytes, rx_lines, rx_irqs, tx_irqs, spurious;
static volatile int done;
static volatile unsigned char ier;

static inline unsigned char uart_read(unsigned reg)
{
    return *(volatile unsigned char *)(UART_BASE + reg);
}

static inline void uart_write(unsigned reg, unsigned char value)
{
    *(volatile unsigned char *)(UART_BASE + reg) = value;
}

static void set_ier(unsigned char value)
{
    ier = value;
    uart_write(IER, value);
}

static void receive(void)
{
    while (uart_read(LSR) & LSR_DR) {
        unsigned char c = uart_read(RBR);
        if (c == EOT) {
            done = 1;
            continue;
        }
        rx_bytes++;
        if (c == '\n')
            rx_lines++;
        if (tx_head - tx_tail < TX_RING) {
            tx_ring[tx_head % TX_RING] = c;
            tx_head++;
        }
    }
    if (tx_head != tx_tail && !(ier & IER_THRI))
        set_ier(ier | IER_THRI); /* THR is empty: the interrupt comes at once */
}

static void transmit(void)
{
    for (int n = 0; n < FIFO_SIZE && tx_tail != tx_head; n++) {
        uart_write(THR, tx_ring[tx_tail % TX_RING]);
        tx_tail++;
    }
    if (tx_tail == tx_head)
        set_ier(ier & ~IER_THRI);
}

static void uart_interrupt(void)
{
    for (;;) {
        unsigned char iir = uart_read(IIR);
        if (iir & IIR_NO_INT)
            return;
        switch (iir & IIR_ID) {
        case IIR_RDI:
        case IIR_RX_TIMEOUT:
            rx_irqs++;
            receive();
            break;
        case IIR_THRI:
            tx_irqs++;
            transmit();
            break;
        case IIR_RLSI:
            (void)uart_read(LSR);
            break;
        default:
            (void)uart_read(MSR);
        }
    }
}

static void on_external(struct trap_frame *tf)
{
    (void)tf;
    unsigned long hart = hart_id();
    unsigned source;
    int claimed = 0;
    while ((source = plic_claim(hart)) != 0) {
        claimed = 1;
        if (source == UART_IRQ)
            uart_interrupt();
        else
            guest_fail("interrupt from unexpected PLIC source %u", source);
        plic_complete(hart, source);
    }
    if (!claimed)
        spurious++;
}

static void on_timeout(struct trap_frame *tf)
{
    (void)tf;
    guest_fail("timeout: %lu bytes, %lu rx and %lu tx interrupts, EOT %sseen", rx_bytes,
               rx_irqs, tx_irqs, done ? "" : "not ");
}

static void uart_init(void)
{
    uart_write(IER, 0);
    uart_write(LCR, LCR_DLAB);
    uart_write(DLL, 1); /* 115200 baud at 1.8432 MHz: only a real line would care */
    uart_write(DLM, 0);
    uart_write(LCR, LCR_8N1);
    uart_write(FCR, FCR_ENABLE_CLEAR_TX);
    uart_write(MCR, MCR_DTR_RTS_OUT2);
    CHECK(uart_read(LCR) == LCR_8N1, "LCR reads 0x%x after writing 0x%x", uart_read(LCR),
          LCR_8N1);
    CHECK(uart_read(LSR) & LSR_THRE, "transmitter not empty after reset (LSR 0x%x)",
          uart_read(LSR));
    (void)uart_read(IIR);
}

int main(unsigned long hartid, unsigned long fdt)
{
    (void)fdt;
    trap_set_interrupt(IRQ_S_EXT, on_external);
    trap_set_interrupt(IRQ_S_TIMER, on_timeout);
    csr_write(stimecmp, rdtime() + UART_TIMEOUT);
    csr_set(sie, SIP_STIP);

    uart_init();
    plic_enable(hartid, UART_IRQ, 1);
    csr_set(sie, SIP_SEIP);
    set_ier(IER_RDI);

    WAIT_UNTIL(done && tx_head == tx_tail);

    set_ier(0);
    csr_clear(sie, SIP_SEIP | SIP_STIP);
    plic_disable(hartid, UART_IRQ);
    printf("uart: echoed %lu bytes in %lu lines: %lu rx, %lu tx interrupts, %lu spurious claims\n",
           rx_bytes, rx_lines, rx_irqs, tx_irqs, spurious);
    CHECK(rx_irqs > 0, "no RX interrupt");
    CHECK(rx_bytes > 0, "no input");
    CHECK(tx_irqs > 0, "no THR-empty interrupt");
    printf("PASS %s\n", guest_name);
    *(volatile uint32_t *)FINISHER_BASE = FINISHER_PASS;
    guest_shutdown(0); /* no finisher: SBI SRST */
}

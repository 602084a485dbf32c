/* Entry of the freestanding init programs: pass the initial stack (argc, argv, envp). */
    .text
    .globl _start
_start:
    mv      a0, sp
    call    init_main
1:  j       1b

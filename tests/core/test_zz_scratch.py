def test_smoke(m):
    s = m.run("li a0, 5\naddi a0, a0, 3\ncsrr a1, mhartid")
    assert s.where == "end", s
    assert m.hart.x[10] == 8
    s = m.run("csrr a0, mstatus", priv=0)
    assert s.where == "M"
    assert m.csr("mcause") == 2

# tests/oracles/prng.py - independent Python oracle for common/engine/base/prng.c; prints the values test_impair.c asserts.
M = (1 << 64) - 1
def splitmix(x):
    x = (x + 0x9e3779b97f4a7c15) & M
    z = x
    z = ((z ^ (z >> 30)) * 0xbf58476d1ce4e5b9) & M
    z = ((z ^ (z >> 27)) * 0x94d049bb133111eb) & M
    return x, z ^ (z >> 31)
def rotl(x, k): return ((x << k) | (x >> (64 - k))) & M
class X:
    def __init__(self, seed=None, s=None):
        if s is not None: self.s = list(s); return
        x = seed; self.s = []
        for _ in range(4):
            x, z = splitmix(x); self.s.append(z)
    def next(self):
        s = self.s
        r = (rotl((s[1] * 5) & M, 7) * 9) & M
        t = (s[1] << 17) & M
        s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t; s[3] = rotl(s[3], 45)
        return r
    def below(self, n):
        if n <= 1: return 0  # as prng_below: no draw
        m = (self.next() >> 32) * n; low = m & 0xffffffff
        if low < n:
            th = ((1 << 32) - n) % n
            while low < th:
                m = (self.next() >> 32) * n; low = m & 0xffffffff
        return m >> 32
if __name__ == "__main__":
    x = 1234567; out = []
    for _ in range(5):
        x, z = splitmix(x); out.append(z)
    print("splitmix64(1234567):", out)
    g = X(s=[1, 2, 3, 4]); print("xoshiro256**(1,2,3,4):", [g.next() for _ in range(4)])
    g = X(seed=7); print("seed 7, first 10 draws:", [g.below(1000000) for _ in range(10)])
    g = X(seed=7); print("loss 20% seed=7, dropped of 50:",
                         [i for i in range(50) if g.below(1000000) < 200000])
    g = X(seed=7); print("loss 20% seed=7, drops of 10000:",
                         sum(g.below(1000000) < 200000 for _ in range(10000)))
    g = X(seed=3); print("delay 10ms+-5ms seed=3, delays us:",
                         [10000 + g.below(10001) - 5000 for _ in range(6)])
    g = X(seed=11); out = []
    for i in range(8):
        if g.below(1000000) < 300000: out.append((i, g.below(10001) - 5000))
    print("delay 10ms+-5ms 30% seed=11, (index, jitter):", out)
    print("engine seed from entropy 42:", splitmix(42)[1] % 1000000)

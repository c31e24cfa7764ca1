"""tcpdump start/stop and the address plan (loopback -> documentation addresses)."""

import os
import re
import select
import signal
import subprocess
import time

BPF = 'net 127.0.1.0/24 or ip6 host ::1'


def public_v4(n):
    """127.0.1.N -> 192.0.2.N for clients (N 10..49), 198.51.100.N for servers."""
    return ('192.0.2.%d' if 10 <= n < 50 else '198.51.100.%d') % n


ADDR_MAP = {'127.0.1.%d' % n: public_v4(n) for n in range(1, 255)}
V6_CLIENT, V6_SERVER = '2001:db8::10', '2001:db8::1'


class Tcpdump:
    """tcpdump -i lo, started before the server, stopped (SIGINT) after the client."""

    def __init__(self, path, bpf=BPF, iface='lo'):
        self.path = path
        # --immediate-mode: without it packets still in a TPACKET_V3 block are lost at
        # SIGINT.  Immediate mode uses a TPACKET_V2 ring of snaplen-sized slots: with -s 0
        # (256 KiB) the default 2 MiB buffer holds only 8 packets, so a busy machine drops
        # packets; -B 65536 (64 MiB) gives 256 slots.
        self.cmd = ['tcpdump', '-i', iface, '-n', '-s', '0', '-B', '65536', '-U',
                    '--immediate-mode', '-w', path, bpf]
        self.proc = None
        self.stats = ''

    def __enter__(self):
        if os.path.exists(self.path):
            os.unlink(self.path)
        self.proc = subprocess.Popen(self.cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        fd = self.proc.stderr.fileno()
        buf = b''
        deadline = time.monotonic() + 10
        while b'listening on' not in buf:
            left = deadline - time.monotonic()
            if left <= 0 or self.proc.poll() is not None:
                self.proc.kill()
                raise RuntimeError('tcpdump did not start: %s' % buf.decode(errors='replace'))
            r, _, _ = select.select([fd], [], [], min(left, 0.5))
            if r:
                chunk = os.read(fd, 4096)
                if not chunk:
                    continue
                buf += chunk
        time.sleep(0.2)
        return self

    def __exit__(self, *exc):
        time.sleep(0.3)        # let the last packets reach the capture
        self.proc.send_signal(signal.SIGINT)
        try:
            _, err = self.proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, err = self.proc.communicate()
        self.stats = ' '.join(l for l in err.decode(errors='replace').splitlines() if 'packets' in l)
        m = re.search(r'(\d+) packets? dropped by kernel', self.stats)
        self.complete = bool(m) and m.group(1) == '0'
        return False

#!/usr/bin/env python3
"""A/B: CPU-us and allocated bytes per request of several switchyard builds, interleaved in one run.
usage: ab.py [--rounds N] [--secs S] [--tiered] name=DIR ...   (DIR holds the built `switchyard`)"""
import argparse, os, socket, subprocess, sys, time, tempfile, statistics as st, json, urllib.request, signal
ap = argparse.ArgumentParser()
ap.add_argument('--rounds', type=int, default=8); ap.add_argument('--secs', type=int, default=8)
ap.add_argument('--warmup', type=int, default=10); ap.add_argument('--quiet-wait', type=int, default=30)
ap.add_argument('--conns', type=int, default=64)
ap.add_argument('--env', action='append', default=[], help='name:KEY=VALUE extra env for one variant')
ap.add_argument('variants', nargs='+')
a = ap.parse_args()
TCK = os.sysconf('SC_CLK_TCK')
work = tempfile.mkdtemp(prefix='run.', dir=tempfile.gettempdir())
hook = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'allochook', 'bin', 'Release', 'net10.0', 'allochook.dll')
procs = []
def freeport():
    s = socket.socket(); s.bind(('127.0.0.1', 0)); p = s.getsockname()[1]; s.close(); return p
def pcpu(pid):
    f = open(f'/proc/{pid}/stat').read().rsplit(')', 1)[1].split()
    return int(f[11]) + int(f[12])
def busy():
    f = open('/proc/stat').readline().split()[1:]
    v = list(map(int, f)); return sum(v) - v[3] - v[4]
def alloc(d):
    return int(open(os.path.join(d, 'alloc')).read().split()[0])
body = '{"model":"bench","messages":[{"role":"user","content":"Hello, how are you today?"}],"max_tokens":32}'
lua = os.path.join(work, 'req.lua')
open(lua, 'w').write(f'wrk.method = "POST"\nwrk.body = \'{body}\'\nwrk.headers["Content-Type"] = "application/json"\nwrk.headers["Authorization"] = "Bearer sk-bench"\n')
try:
    first = a.variants[0].split('=', 1)[1].split(',')[0]
    up = freeport()
    os.symlink(os.path.join(first, 'switchyard'), os.path.join(work, 'abperf-simulate'))
    sim = subprocess.Popen(['taskset', '-c', '0', os.path.join(work, 'abperf-simulate'), 'simulate', '--profile', 'instant', '--port', str(up)],
                           stdout=open(os.path.join(work, 'sim.log'), 'w'), stderr=subprocess.STDOUT)
    procs.append(sim)
    vs = []
    extra = {}
    for e in a.env:
        n, kv = e.split(':', 1); k, v = kv.split('=', 1); extra.setdefault(n, {})[k] = v
    for spec in a.variants:
        name, rest = spec.split('=', 1)
        d0, *opts = rest.split(',')
        opts = dict(o.split(':', 1) for o in opts)
        dep_extra = ', circuit_breaker: { enabled: false }' if opts.get('breaker') == 'off' else ''
        log_on = 'false' if opts.get('log') == 'off' else 'true'
        port = freeport(); d = os.path.join(work, name); os.makedirs(d)
        open(os.path.join(d, 'gateway.yaml'), 'w').write(f"""server: {{ listen: http://127.0.0.1:{port} }}
storage: {{ kind: sqlite, path: {d}/bench.db }}
request_log: {{ enabled: {log_on} }}
providers:
  sim: {{ kind: openai, base_url: http://127.0.0.1:{up}/v1 }}
deployments:
  sim-model: {{ provider: sim, model: bench-model, context_window: 8192, hosting: self-hosted{dep_extra} }}
routes:
  bench: {{ deployments: [sim-model] }}
""")
        exe = os.path.join(d, 'abperf-serve'); os.symlink(os.path.join(d0, 'switchyard'), exe)
        env = dict(os.environ, DOTNET_STARTUP_HOOKS=hook, ALLOCHOOK_FILE=os.path.join(d, 'alloc'), **extra.get(name, {}))
        p = subprocess.Popen(['taskset', '-c', '1', exe, 'serve', '--config', 'gateway.yaml', '--urls', f'http://127.0.0.1:{port}'],
                             cwd=d, env=env, stdout=open(os.path.join(d, 'serve.log'), 'w'), stderr=subprocess.STDOUT)
        procs.append(p)
        vs.append(dict(name=name, port=port, proc=p, dir=d))
    url = lambda v: f"http://127.0.0.1:{v['port']}/v1/chat/completions"
    for v in vs:
        for _ in range(150):
            try:
                req = urllib.request.Request(url(v), data=body.encode(), headers={'Content-Type': 'application/json', 'Authorization': 'Bearer sk-bench'})
                if urllib.request.urlopen(req, timeout=2).status == 200: break
            except Exception: time.sleep(0.2)
        else: sys.exit(f"{v['name']} not ready: " + open(os.path.join(v['dir'], 'serve.log')).read())
    def wrk(v, secs):
        t0 = os.times()
        out = subprocess.run(['taskset', '-c', '0', 'wrk', '-t2', f'-c{a.conns}', f'-d{secs}s', '-s', lua, url(v)], capture_output=True, text=True, timeout=secs + 30).stdout
        t1 = os.times()
        return out, (t1.children_user - t0.children_user) + (t1.children_system - t0.children_system)
    for v in vs: wrk(v, a.warmup)
    ours = lambda: sum(pcpu(p.pid) for p in procs)
    def wait_quiet():
        for _ in range(a.quiet_wait):
            b0, o0 = busy(), ours(); time.sleep(1)
            if (busy() - b0) - (ours() - o0) < 0.10 * TCK: return True
        return False
    rows = []
    print('name round rps cpu_us/req alloc_B/req cpu_share foreign quiet', flush=True)
    for r in range(a.rounds):
        order = vs if r % 2 == 0 else vs[::-1]
        for v in order:
            quiet = wait_quiet()
            c0, a0, b0, s0 = pcpu(v['proc'].pid), alloc(v['dir']), busy(), pcpu(sim.pid)
            t0 = time.time()
            out, wrkcpu = wrk(v, a.secs)
            time.sleep(0.3)
            wall = time.time() - t0
            c1, a1, b1, s1 = pcpu(v['proc'].pid), alloc(v['dir']), busy(), pcpu(sim.pid)
            reqs = int([l for l in out.splitlines() if 'requests in' in l][0].split()[0])
            errs = [l.strip() for l in out.splitlines() if 'Non-2xx' in l or 'Socket errors' in l]
            foreign = ((b1 - b0) - (c1 - c0) - (s1 - s0)) / TCK - wrkcpu
            row = dict(name=v['name'], round=r + 1, rps=reqs / a.secs, cpu=(c1 - c0) / TCK * 1e6 / reqs, alloc=(a1 - a0) / reqs,
                       share=(c1 - c0) / TCK / a.secs, foreign=foreign / wall, quiet=quiet, errs=errs)
            rows.append(row)
            print(f"{row['name']} {row['round']} {row['rps']:.0f} {row['cpu']:.2f} {row['alloc']:.0f} {row['share']:.2f} {row['foreign']:.2f} {'q' if quiet else 'NOISY'} {' '.join(errs)}", flush=True)
    json.dump(rows, open(os.path.join(work, 'rows.json'), 'w'))
    print('--- medians (all rounds)')
    base = vs[0]['name']
    for v in vs:
        rs = [x for x in rows if x['name'] == v['name']]
        line = f"{v['name']:14} n={len(rs)} rps={st.median(x['rps'] for x in rs):7.0f} cpu_us/req={st.median(x['cpu'] for x in rs):6.2f} alloc_B/req={st.median(x['alloc'] for x in rs):6.0f} share={st.median(x['share'] for x in rs):.2f}"
        if v['name'] != base:
            bs = {x['round']: x for x in rows if x['name'] == base}
            ratios = [x['cpu'] / bs[x['round']]['cpu'] for x in rs]
            rr = [x['rps'] / bs[x['round']]['rps'] for x in rs]
            line += f"  cpu/req vs {base}: x{st.median(ratios):.3f} (paired median; min {min(ratios):.3f} max {max(ratios):.3f})  rps vs {base}: x{st.median(rr):.3f}"
        print(line)
    print('work dir', work)
finally:
    for p in procs:
        try: p.send_signal(signal.SIGTERM)
        except Exception: pass
    for p in procs:
        try: p.wait(10)
        except Exception: p.kill()

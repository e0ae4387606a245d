#!/usr/bin/env python3
"""profile.py NAME DIR: sim + gateway, warm up, then 10 s of wrk with an allocation-type table and a CPU trace."""
import os, socket, subprocess, sys, time, tempfile, urllib.request, signal
name, d0 = sys.argv[1], sys.argv[2]
secs = int(sys.argv[3]) if len(sys.argv) > 3 else 10
work = tempfile.mkdtemp(prefix=f'prof.{name}.', dir=tempfile.gettempdir())
hook = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'allochook', 'bin', 'Release', 'net10.0', 'allochook.dll')
def freeport():
    s = socket.socket(); s.bind(('127.0.0.1', 0)); p = s.getsockname()[1]; s.close(); return p
procs = []
body = '{"model":"bench","messages":[{"role":"user","content":"Hello, how are you today?"}],"max_tokens":32}'
lua = os.path.join(work, 'req.lua')
open(lua, 'w').write(f'wrk.method = "POST"\nwrk.body = \'{body}\'\nwrk.headers["Content-Type"] = "application/json"\nwrk.headers["Authorization"] = "Bearer sk-bench"\n')
try:
    up = freeport(); port = freeport()
    os.symlink(os.path.join(d0, 'switchyard'), os.path.join(work, 'abperf-simulate'))
    procs.append(subprocess.Popen(['taskset', '-c', '0', os.path.join(work, 'abperf-simulate'), 'simulate', '--profile', 'instant', '--port', str(up)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT))
    open(os.path.join(work, 'gateway.yaml'), 'w').write(f"""server: {{ listen: http://127.0.0.1:{port} }}
storage: {{ kind: sqlite, path: {work}/bench.db }}
request_log: {{ enabled: true }}
providers:
  sim: {{ kind: openai, base_url: http://127.0.0.1:{up}/v1 }}
deployments:
  sim-model: {{ provider: sim, model: bench-model, context_window: 8192, hosting: self-hosted }}
routes:
  bench: {{ deployments: [sim-model] }}
""")
    exe = os.path.join(work, 'abperf-serve'); os.symlink(os.path.join(d0, 'switchyard'), exe)
    af = os.path.join(work, 'alloc')
    env = dict(os.environ, DOTNET_STARTUP_HOOKS=hook, ALLOCHOOK_FILE=af, ALLOCHOOK_TYPES=os.environ.get('TYPES','1'), DOTNET_PerfMapEnabled='1' if os.environ.get('PERF') else '0', DOTNET_EnableWriteXorExecute='0' if os.environ.get('PERF') else '1')
    gw = subprocess.Popen(['taskset', '-c', '1', exe, 'serve', '--config', 'gateway.yaml', '--urls', f'http://127.0.0.1:{port}'], cwd=work, env=env, stdout=open(work + '/serve.log', 'w'), stderr=subprocess.STDOUT)
    procs.append(gw)
    url = f'http://127.0.0.1:{port}/v1/chat/completions'
    for _ in range(150):
        try:
            if urllib.request.urlopen(urllib.request.Request(url, data=body.encode(), headers={'Content-Type': 'application/json'}), timeout=2).status == 200: break
        except Exception: time.sleep(0.2)
    w = lambda s: subprocess.run(['taskset', '-c', '0', 'wrk', '-t2', '-c64', f'-d{s}s', '-s', lua, url], capture_output=True, text=True).stdout
    w(int(os.environ.get('WARM','15')))
    open(af + '.reset', 'w').close(); time.sleep(0.5)
    tr = subprocess.Popen(['/tmp/tools/dotnet-trace', 'collect', '-p', str(gw.pid), '--profile', 'dotnet-sampled-thread-time', '--duration', f'00:00:00:{secs}', '-o', work + '/cpu.nettrace'], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT) if os.environ.get('TRACE') else None
    pr = subprocess.Popen(['perf', 'record', '-e', 'cpu-clock', '-F', '1999', '-g', '-p', str(gw.pid), '-o', work + '/perf.data', '--', 'sleep', str(secs - 1)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) if os.environ.get('PERF') else None
    time.sleep(1 if tr else 0)
    print(w(secs))
    if tr: tr.wait(60)
    if pr: pr.wait(60)
    time.sleep(1.2)
    if os.path.exists(af + '.types'): print(open(af + '.types').read()[:6000])
    print('work', work)
finally:
    for p in procs: p.send_signal(signal.SIGTERM)
    for p in procs: p.wait(10)

"""`make serve` (tools/serve.py, deploy/haproxy.cfg): the budget, the rendered balancer config, and
a real HAProxy in front of stub app processes (a few lines of http.server each, so the test is
light): sticky routing, the websocket's process recorded in a cookie, a killed process taken out and restarted,
the body limit, one cookie secret for all, and nothing left running after the cluster stops.
The real app behind the balancer is driven by tests/e2e/test_cluster.py."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tomllib
import urllib.error
import urllib.request
from pathlib import Path

import psutil
import pytest

from analytics.store import workspace
from tools import serve
from tools.serve import Cluster, GiB, budget, max_body_bytes, render_config

ROOT = Path(__file__).resolve().parents[2]
needs_haproxy = pytest.mark.skipif(not Path(serve.HAPROXY).exists(), reason="HAProxy is not installed (make serve installs it)")

#: a stand-in for `streamlit run app.py`: health, its own name, the environment it was given
STUB = r'''
import json, os, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

class Handler(BaseHTTPRequestHandler):
    def _send(self, body, status=200):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path.endswith("/_stcore/health") or self.path.endswith("/_stcore/host-config"):
            return self._send("ok")
        if self.path == "/env":
            keys = [k for k in os.environ if k.startswith(("BENCH_", "STREAMLIT_"))]
            return self._send(json.dumps({k: os.environ[k] for k in keys}))
        self._send(os.environ["BENCH_NODE"])

    def do_PUT(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self._send(os.environ["BENCH_NODE"])

    def log_message(self, *args):
        pass

ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
'''


def test_budget_keeps_a_single_process_as_today_and_divides_the_machine():
    # one or two processes: each session's engine keeps today's quarter of the machine
    today = workspace._default_memory_limit()
    for n in (1, 2):
        assert f"{budget(n).session_limit // GiB}GB" == today
    b = budget(4, memory=32 * GiB, cores=8)
    assert (b.share, b.session_limit, b.threads, b.fits) == (8 * GiB, 4 * GiB, 2, True)
    assert b.env() == {"BENCH_DUCKDB_MEMORY_LIMIT": "4096MiB", "BENCH_DUCKDB_THREADS": "2"}
    # two cores for four processes: one engine thread each; never fewer than one
    assert budget(4, memory=32 * GiB, cores=2).threads == 1
    assert budget(8, memory=32 * GiB, cores=1).threads == 1
    # a small machine: the floor a large workspace needs, and a warning at start
    small = budget(6, memory=8 * GiB, cores=2)
    assert small.session_limit == 1 * GiB and not small.fits
    assert "WARNING" in small.describe() and "WARNING" not in b.describe()
    with pytest.raises(ValueError):
        budget(0)


def test_the_balancer_config_is_filled_and_valid():
    text = render_config(port=18001, stats_port=18002, servers=[("app1", 18101), ("app2", 18102), ("app3", 18103)])
    assert not re.search(r"@[A-Z_]+@", text), "a placeholder left unfilled"
    assert "bind 127.0.0.1:18001" in text and "bind 127.0.0.1:18002" in text
    for k in (1, 2, 3):
        assert f"server app{k} 127.0.0.1:{18100 + k} check cookie app{k}" in text
    cookie = next(line for line in text.splitlines() if line.strip().startswith("cookie "))
    assert "insert" in cookie and "indirect" not in cookie  # the app reads the cookie
    assert "option httpchk GET /_stcore/health" in text and "timeout tunnel" in text
    # the body limit follows the app's own upload limit (plus Streamlit's 1 MB of slack)
    mb = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["server"]["maxUploadSize"]
    assert max_body_bytes() == (mb + 1) * 1024 * 1024
    assert f"gt {max_body_bytes()}" in text
    if Path(serve.HAPROXY).exists():
        cfg = Path(serve.tempfile.mkdtemp()) / "haproxy.cfg"
        cfg.write_text(text)
        check = subprocess.run([serve.HAPROXY, "-c", "-f", str(cfg)], capture_output=True, text=True)
        shutil.rmtree(cfg.parent)
        assert check.returncode == 0, check.stdout + check.stderr


def _get(url: str, cookie: str | None = None, method: str = "GET", body: bytes | None = None):
    req = urllib.request.Request(url, method=method, data=body, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read().decode(), r.headers.get_all("Set-Cookie") or []
    except urllib.error.HTTPError as exc:
        return exc.code, "", []


@needs_haproxy
def test_a_cluster_routes_sticky_survives_a_kill_and_stops_clean(tmp_path):
    stub = tmp_path / "stub.py"
    stub.write_text(STUB)
    with Cluster(n=2, command=lambda node: [sys.executable, str(stub), str(node.port)], backoff=0.5,
                 env={"BENCH_EXTRA": "given"}) as c:
        pids = [n.pid for n in c.nodes] + [c.lb_pid]
        assert c.status() == {"app1": "UP", "app2": "UP"}
        # a new browser gets the sticky cookie of the process that served it
        status, body, cookies = _get(c.url + "/")
        assert status == 200 and cookies == [f"bench_node={body}; path=/; HttpOnly; SameSite=Lax"]
        # with a cookie, every request (pages, uploads) goes to that process
        for name in ("app1", "app2"):
            assert {_get(c.url + "/", f"bench_node={name}")[1] for _ in range(6)} == {name}
            assert _get(c.url + "/_stcore/upload_file/x", f"bench_node={name}", "PUT", b"x" * 1000)[1] == name
        # a websocket's handshake records the process holding the tab's session; nothing else does
        ws = urllib.request.Request(c.url + "/_stcore/stream", headers={
            "Cookie": "bench_node=app2", "Upgrade": "websocket", "Connection": "Upgrade"})
        with urllib.request.urlopen(ws, timeout=10) as r:
            assert "bench_node_ws=app2; path=/; HttpOnly; SameSite=Lax" in (r.headers.get_all("Set-Cookie") or [])
        assert not any(k.startswith("bench_node_ws") for k in _get(c.url + "/", "bench_node=app2")[2])
        # a body over the app's upload limit is refused at the balancer
        big = urllib.request.Request(c.url + "/_stcore/upload_file/x", method="PUT",
                                     headers={"Content-Length": str(max_body_bytes() + 1)})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(big, timeout=10)
        assert refused.value.code == 413
        # every process: its name, the sticky cookie's name, one secret for all, the budget, the caller's env
        envs = {n.name: json.loads(_get(f"{n.url}/env")[1]) for n in c.nodes}
        assert {e["BENCH_NODE"] for e in envs.values()} == {"app1", "app2"}
        assert {e["BENCH_NODE_COOKIE"] for e in envs.values()} == {"bench_node_ws"}
        secrets_seen = {e["STREAMLIT_SERVER_COOKIE_SECRET"] for e in envs.values()}
        assert len(secrets_seen) == 1 and len(secrets_seen.pop()) == 64
        assert all(e["BENCH_DUCKDB_MEMORY_LIMIT"] == c.budget.env()["BENCH_DUCKDB_MEMORY_LIMIT"] for e in envs.values())
        assert all(e["BENCH_EXTRA"] == "given" for e in envs.values())

        # app1 dies: the balancer takes it out, its browsers are served by app2 (and re-pinned there)
        old_pid = c.node("app1").pid
        c.kill("app1", hold=4)
        assert not psutil.pid_exists(old_pid) or psutil.Process(old_pid).status() == psutil.STATUS_ZOMBIE
        down_after = c.wait_status("app1", "DOWN", timeout=10)
        assert down_after < 5
        status, body, cookies = _get(c.url + "/", "bench_node=app1")
        assert (status, body) == (200, "app2") and cookies[0].startswith("bench_node=app2")
        # ...and it is started again after the backoff; the health check brings it back
        c.wait_status("app1", "UP", timeout=20)
        assert c.node("app1").restarts == 1 and c.node("app1").pid != old_pid
        assert _get(c.url + "/", "bench_node=app1")[1] == "app1"
        pids.append(c.node("app1").pid)
    # nothing left running: the balancer and every process (restarted ones too)
    assert not [p for p in pids if psutil.pid_exists(p) and psutil.Process(p).status() != psutil.STATUS_ZOMBIE]

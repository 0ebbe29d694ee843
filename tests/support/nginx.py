"""Debian's nginx run by a test: the rendered site configuration inside a main configuration of the
test's own (its pid file, logs, cache and temporary files in the test's folder, a loopback port), as
/etc/nginx/nginx.conf would include it from conf.d/."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

MAIN_CONF = """\
{user}worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/logs/main-error.log warn;
events {{ worker_connections 1024; }}
http {{
    client_body_temp_path {root}/tmp/body;
    proxy_temp_path {root}/tmp/proxy;
    fastcgi_temp_path {root}/tmp/fastcgi;
    uwsgi_temp_path {root}/tmp/uwsgi;
    scgi_temp_path {root}/tmp/scgi;
    include {root}/site.conf;
}}
"""


def nginx_binary() -> str:
    found = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).is_file()), None)
    if found is None:
        pytest.fail("nginx is needed: apt-get install nginx-light (.ci/run installs it)")
    return found


@dataclass
class Nginx:
    root: Path
    port: int
    binary: str

    @property
    def conf(self) -> Path:
        return self.root / "nginx.conf"

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def test_config(self) -> subprocess.CompletedProcess[str]:
        return subprocess.run([self.binary, "-t", "-p", str(self.root), "-c", str(self.conf)],
                              check=False, capture_output=True, text=True, timeout=30)

    def start(self) -> None:
        subprocess.run([self.binary, "-p", str(self.root), "-c", str(self.conf)], check=True, timeout=30)

    def stop(self) -> None:
        if (self.root / "nginx.pid").is_file():
            subprocess.run([self.binary, "-p", str(self.root), "-c", str(self.conf), "-s", "quit"],
                           check=False, timeout=30)

    def access_log(self) -> Path:
        (log,) = (self.root / "logs").glob("*.access.log")
        return log


def nginx_for(site: Path, root: Path, port: int, upstreams: list[int] | None = None) -> Nginx:
    """`site` (the rendered conf.d file) served on `port`, its files under `root`, sending to `upstreams`
    (loopback ports) instead of the rendered server lines when given."""
    for folder in ("logs", "cache", "tmp"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    text = site.read_text()
    text = text.replace("/var/log/nginx/", f"{root}/logs/").replace("/var/cache/nginx/", f"{root}/cache/")
    text, listens = re.subn(r"^(\s*)listen 80;$", rf"\1listen 127.0.0.1:{port};", text, flags=re.MULTILINE)
    assert listens == 1, "the rendered configuration should listen on port 80 once"
    if upstreams is not None:
        servers = re.findall(r"^\s*server 127\.0\.0\.1:\d+ (.*);$", text, flags=re.MULTILINE)
        assert len(servers) == 1, "the rendered upstream should name one local instance"
        lines = "\n".join(f"    server 127.0.0.1:{upstream} {servers[0]};" for upstream in upstreams)
        text = re.sub(r"^\s*server 127\.0\.0\.1:\d+ .*;$", lines, text, count=1, flags=re.MULTILINE)
    (root / "site.conf").write_text(text)
    # Started by root, nginx's workers would run as `nobody`, who cannot enter the test's private folder.
    user = "user root root;\n" if os.geteuid() == 0 else ""
    (root / "nginx.conf").write_text(MAIN_CONF.format(root=root, user=user))
    return Nginx(root, port, nginx_binary())

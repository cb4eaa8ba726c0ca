"""Run the sandbox as a separate process (Odoo tests, demo, drills)."""

import subprocess
import sys

READY = "wechat sandbox listening on "


class SandboxProcess:
    """A `python -m wechat_sandbox` child on a free loopback port; `.url` once
    started."""

    def __init__(
        self,
        appid,
        secret,
        host="127.0.0.1",
        port=0,
        python=sys.executable,
        latency_ms=0,
    ):
        self.command = [
            python,
            "-m",
            "wechat_sandbox",
            "--host",
            host,
            "--port",
            str(port),
            "--appid",
            appid,
            "--secret",
            secret,
        ]
        if latency_ms:
            self.command += ["--latency", str(latency_ms)]
        self.process = None
        self.url = None

    def __repr__(self):
        return f"SandboxProcess({self.url!r})"

    def start(self):
        """Start the child and wait for its first line."""
        self.process = subprocess.Popen(
            self.command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        )
        line = self.process.stdout.readline()
        if not line.startswith(READY):
            self.stop()
            raise RuntimeError(f"the WeChat sandbox did not start: {line!r}")
        self.url = line[len(READY) :].strip()
        return self

    def stop(self):
        """Terminate the child and reap it."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process and self.process.stdout:
            self.process.stdout.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

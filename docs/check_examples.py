#!/usr/bin/env python3
"""Runs the shell examples of the READMEs and docs/*.md against a real demo server.

Called by docs/check-examples.sh (which builds the binary first) and so by .ci/run. For each
document it starts `openlines serve --demo` on an ephemeral port over a fresh SQLite file in
a temporary directory, then runs every ```sh block in order, as a reader pasting them would,
with these substitutions: `127.0.0.1:8080` becomes the server's address, `openlines` is the
binary just built, and the working directory is the temporary one. Each command of a block
runs in one shell per block (so `. ./app.txt` carries over), and each must:

- exit with status 0;
- if it prints a JSON object with an "error" key, that is a failure (no example shows one
  without saying so in a ```json block);
- when a ```json block follows the ```sh block, print that JSON for its last command, ignoring
  the "time" block;
- when its comment starts with JSON (`# {"chatId":"9853"}: queued`), print an answer whose
  `result` (or whole body) contains that JSON.

Skipped, because a reader would not paste them as they stand: `cargo` commands (CI runs those
itself), `openlines serve` (the server is already running; its `--admin-token` is used),
commands with a placeholder (`…`, `<code>`, or an upper-case word such as `ID` as an
argument of `openlines`), hosts other than the local server, and blocks preceded by
`<!-- check-examples: skip -->`. docs/FIXTURES.md's example file is written to
`fixture.jsonl`, so README's `openlines import fixture.jsonl` loads it, and it is also
loaded alone into an empty database and asked the call it promises.
"""

import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# docs/DEPLOY.md is left out: its recipes name the hosts and paths of a deployment
# (db.internal, /var/lib/openlines), which a check cannot stand in for.
DOCUMENTS = ["README.md", "docs/PROTOCOL.md", "docs/FIXTURES.md", "crates/client/README.md"]
SKIP_MARK = "<!-- check-examples: skip"
PLACEHOLDER = re.compile(r"…|<[a-z][a-z _-]*>")
# An upper-case word as an argument of `openlines` (`webhook revoke ID`) stands for a value.
PLACEHOLDER_ARGUMENT = re.compile(r"^openlines\b.*\s[A-Z]{2,}(\s|$)")
FOREIGN_HOST = re.compile(r"(https?|postgres|redis)://(?!127\.0\.0\.1:8080)")
failures = []


def fail(where, message):
    failures.append(f"{where}: {message}")
    print(f"FAIL {where}: {message}", file=sys.stderr)


def blocks(path):
    """Yields (line number, language, text, next block's language and text, skipped)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found, i = [], 0
    while i < len(lines):
        fence = re.match(r"^(\s*)```(\S*)\s*$", lines[i])
        if not fence:
            i += 1
            continue
        start, lang, body = i + 1, fence.group(2), []
        i += 1
        while i < len(lines) and not re.match(r"^\s*```\s*$", lines[i]):
            body.append(lines[i])
            i += 1
        before = [line for line in lines[max(0, start - 4) : start - 1] if line.strip()]
        skipped = bool(before) and before[-1].strip().startswith(SKIP_MARK)
        found.append((start, lang, "\n".join(body), skipped))
        i += 1
    for n, (start, lang, text, skipped) in enumerate(found):
        following = found[n + 1] if n + 1 < len(found) else (0, "", "", False)
        yield start, lang, text, following[1], following[2], skipped


def commands(text):
    """Splits a shell block into commands: a command ends where its quotes are closed and
    its line does not end in a backslash."""
    out, current, first = [], [], None
    for number, line in enumerate(text.splitlines()):
        if not current and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if first is None:
            first = number
        current.append(line)
        joined = "\n".join(current)
        if joined.rstrip().endswith("\\"):
            continue
        try:
            shlex.split(joined, comments=True)
        except ValueError:
            continue  # a quote is still open
        out.append((first, joined))
        current, first = [], None
    if current:
        out.append((first, "\n".join(current)))
    return out


def skip_reason(command):
    stripped = command.strip()
    if stripped.startswith("cargo "):
        return "cargo"
    if stripped.startswith("openlines serve") or stripped.startswith("psql "):
        return "server set-up"
    code = command.split("  #")[0]
    if PLACEHOLDER.search(code) or PLACEHOLDER_ARGUMENT.search(code.strip()):
        return "placeholder"
    if FOREIGN_HOST.search(code):
        return "another host"
    return None


def comment_json(command):
    """The JSON a command's trailing comment starts with, if any."""
    match = re.search(r"\s#\s+([\[{].*)$", command.splitlines()[-1])
    if not match:
        return None
    try:
        value, _ = json.JSONDecoder().raw_decode(match.group(1))
    except ValueError:
        return None
    return value


def contains(actual, expected):
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(
            key in actual and contains(actual[key], value) for key, value in expected.items()
        )
    return actual == expected


def without_time(value):
    if isinstance(value, dict):
        return {key: without_time(item) for key, item in value.items() if key != "time"}
    return value


class Server:
    """`openlines serve` on an ephemeral port; the port is read from its log line."""

    def __init__(self, binary, workdir, env, args):
        self.log = open(workdir / "server.log", "w+")
        self.process = subprocess.Popen(
            [binary, "serve", "--listen", "127.0.0.1:0", *args],
            cwd=workdir,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        self.address = None
        while self.address is None:
            if self.process.poll() is not None or time.monotonic() > deadline:
                # Read the log before stop() closes it: it says why.
                output = self.output()
                self.stop()
                raise RuntimeError("the server did not start:\n" + output)
            match = re.search(r"listen\.address=(127\.0\.0\.1:\d+)", self.output())
            if match:
                self.address = match.group(1)
            else:
                time.sleep(0.1)

    def output(self):
        self.log.flush()
        self.log.seek(0)
        return re.sub(r"\x1b\[[0-9;]*m", "", self.log.read())

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()


def run_block(where, text, expected_json, env, workdir, address):
    runnable = []
    for offset, command in commands(text):
        reason = skip_reason(command)
        if reason:
            print(f"  skip ({reason}): {command.splitlines()[0][:90]}")
            continue
        runnable.append((offset, command.replace("127.0.0.1:8080", address)))
    if not runnable:
        return
    outputs = Path(tempfile.mkdtemp(dir=workdir))
    script = ["set +e"]
    for n, (_, command) in enumerate(runnable):
        script.append(f'{{\n{command}\n}} >"{outputs}/{n}.out" 2>"{outputs}/{n}.err"')
        script.append(f'echo $? >"{outputs}/{n}.rc"')
    subprocess.run(["bash", "-c", "\n".join(script)], cwd=workdir, env=env, timeout=300)
    for n, (offset, command) in enumerate(runnable):
        here = f"{where}+{offset}"
        shown = command.splitlines()[0][:90]
        rc_file = outputs / f"{n}.rc"
        status = rc_file.read_text().strip() if rc_file.exists() else "not run"
        out = (outputs / f"{n}.out").read_text(errors="replace")
        err = (outputs / f"{n}.err").read_text(errors="replace")
        if status != "0":
            fail(here, f"`{shown}` exited {status}\n{out}{err}")
            continue
        try:
            answer = json.loads(out)
        except ValueError:
            answer = None
        if isinstance(answer, dict) and "error" in answer:
            fail(here, f"`{shown}` answered an error: {out.strip()}")
            continue
        want = comment_json(command)
        if want is not None:
            got = answer.get("result", answer) if isinstance(answer, dict) else answer
            if not contains(got, want):
                fail(here, f"`{shown}` answered {out.strip()}, the comment shows {json.dumps(want)}")
        if expected_json is not None and n == len(runnable) - 1:
            if answer is None or without_time(answer) != without_time(expected_json):
                fail(here, f"`{shown}` answered {out.strip()}, the page shows {json.dumps(expected_json)}")
        print(f"  ok: {shown}")


def fixture_example():
    """The example file of docs/FIXTURES.md: the block after its "## Example" heading."""
    text = (ROOT / "docs/FIXTURES.md").read_text(encoding="utf-8")
    section = text.split("## Example", 1)[1]
    return section.split("```", 2)[1].strip("\n") + "\n"


def check_fixture_promise(binary, env):
    """FIXTURES.md: the example, alone in an empty database, answers the call it promises."""
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        (workdir / "example.jsonl").write_text(fixture_example())
        env = dict(env, OPENLINES_DB=str(workdir / "example.db"))
        imported = subprocess.run([binary, "import", "example.jsonl"], cwd=workdir, env=env,
                                  capture_output=True, text=True)
        if imported.returncode != 0:
            fail("docs/FIXTURES.md example", imported.stderr)
            return
        server = Server(binary, workdir, env, [])
        try:
            answer = subprocess.run(
                ["curl", "-s", "-d", "CRM_ENTITY_TYPE=deal&CRM_ENTITY=288&ACTIVE_ONLY=N",
                 f"http://{server.address}/rest/1/mytests0123456789/imopenlines.crm.chat.get"],
                capture_output=True, text=True, timeout=30).stdout
        finally:
            server.stop()
        want = [{"CHAT_ID": "9852", "CONNECTOR_ID": "livechat", "CONNECTOR_TITLE": "Live Chat"}]
        try:
            got = json.loads(answer).get("result")
        except ValueError:
            got = None
        if got != want:
            fail("docs/FIXTURES.md example", f"answered {answer}, the page promises {want}")
        else:
            print("  ok: the FIXTURES.md example answers deal 288 → chat 9852")


def check_document(name, binary, examples_dir, base_env):
    path = ROOT / name
    print(f"{name}:")
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        (workdir / "fixture.jsonl").write_text(fixture_example())
        # The docs name the server's database `demo.db`, or `$DB` for "the path serve
        # printed"; commands run in `workdir`, so both are the server's own file.
        env = dict(base_env, OPENLINES_DB=str(workdir / "demo.db"), DB="demo.db")
        text = path.read_text(encoding="utf-8")
        admin = re.search(r"openlines serve [^\n]*--admin-token (\S+)", text)
        args = ["--demo"] + (["--admin-token", admin.group(1)] if admin else [])
        server = Server(binary, workdir, env, args)
        try:
            env.update(
                OPENLINES_URL=f"http://{server.address}",
                OPENLINES_PUBLIC_URL=f"http://{server.address}",
                H=f"http://{server.address}/rest/1/demo0123456789ab",
            )
            if name == "README.md" and examples_dir:
                run_client_example(examples_dir, env, server.address)
            for start, lang, body, next_lang, next_body, skipped in blocks(path):
                if lang != "sh":
                    continue
                if skipped:
                    print(f"  skip block at line {start} (marked)")
                    continue
                expected = json.loads(next_body) if next_lang == "json" else None
                run_block(f"{name}:{start}", body, expected, env, workdir, server.address)
        finally:
            server.stop()


def run_client_example(examples_dir, env, address):
    """crates/client/examples/chat_get.rs against the fresh demo (README's Rust example
    compiles as a doc test; this one runs)."""
    example = Path(examples_dir) / "chat_get"
    env = dict(env, OPENLINES_WEBHOOK=f"http://{address}/rest/1/demo0123456789ab/")
    run = subprocess.run([str(example)], env=env, capture_output=True, text=True, timeout=60)
    if run.returncode != 0 or "chat 9852 via Live Chat (livechat)" not in run.stdout:
        fail("crates/client/examples/chat_get.rs", f"exited {run.returncode}: {run.stdout}{run.stderr}")
    else:
        print("  ok: cargo run -p openlines-client --example chat_get")


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: check_examples.py OPENLINES_BINARY [EXAMPLES_DIR]")
    binary = str(Path(sys.argv[1]).resolve())
    examples_dir = sys.argv[2] if len(sys.argv) > 2 else None
    with tempfile.TemporaryDirectory() as bindir:
        # `openlines` in the examples is the binary just built, whatever else is on the PATH.
        (Path(bindir) / "openlines").symlink_to(binary)
        env = {key: value for key, value in os.environ.items() if not key.startswith("OPENLINES_")}
        env.update(PATH=f"{bindir}:{env.get('PATH', '')}", NO_COLOR="1", OPENLINES_LOG="info")
        for name in DOCUMENTS:
            check_document(name, binary, examples_dir, env)
        print("docs/FIXTURES.md example, alone:")
        check_fixture_promise(binary, env)
    if failures:
        print(f"\n{len(failures)} example(s) failed", file=sys.stderr)
        sys.exit(1)
    print("\nevery runnable example gives the answer its page shows")


if __name__ == "__main__":
    main()

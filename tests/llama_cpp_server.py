"""llama.cpp's own HTTP server (`llama-server`), from the prebuilt `xllamacpp` wheel, for
`make test-llm`: `python -m tests.llama_cpp_server MODEL.gguf SLOTS CONTEXT` prints the
address it listens on and serves until its standard input closes.

xllamacpp runs llama.cpp's server code in-process (`xllamacpp.Server(CommonParams)`,
`listening_address`), so no compiler is needed: the same endpoints, `/props`, grammar and
slots as the `llama-server` binary of the same llama.cpp build.
"""

import sys


def main() -> None:
    import xllamacpp

    model, slots, context = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    params = xllamacpp.CommonParams()
    params.model.path = model
    params.n_parallel = slots
    params.n_ctx = context  # shared by the slots
    params.port = 0  # a free one
    params.endpoint_props = True
    params.use_jinja = True
    server = xllamacpp.Server(params)
    print(server.listening_address, flush=True)
    sys.stdin.read()  # until the test closes it
    del server


if __name__ == "__main__":
    main()

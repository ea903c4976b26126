"""The LLM extractor's defaults, stated once. `kg.settings` (the KG_LLM_* variables) and
`LLMConfig` both read them, so a default cannot differ between the two."""

MODE = "tools"  # instructor's mode: tools | json_schema | json | md_json
TIMEOUT_S = 60.0  # seconds per request
HTTP_RETRIES = 2  # the openai client's retries on 429, 5xx and timeouts
TEMPERATURE = 0.0  # the most likely answer
SEED = 42  # where the endpoint honours one
MAX_REUSES = 12  # models kept per paper
MAX_RESPONSE_BYTES = 2_000_000  # the largest answer read from the endpoint (a real one: ~5 kB)

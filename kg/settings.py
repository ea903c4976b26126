"""The one settings object: environment variables and a `.env` file, read at the CLI edge.

Each setting has one default, here. A wrong value is one `ConfigError` line naming the
variable; a secret (or a password written inside a URL) is never part of a message.
"""

from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit, urlunsplit

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from extract import llm_defaults, secrets
from extract.errors import ConfigError

if TYPE_CHECKING:
    from extract.llm import LLMConfig
    from kg.sources.fulltext import Politeness

NEO4J_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")


def mask_url(url: str) -> str:
    """`url` with any user:password@ replaced by ***@, for messages and store names."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "***"
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc="***@" + parts.netloc.rsplit("@", 1)[1]))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    kg_store: Literal["embedded", "neo4j"] = "embedded"
    kg_workspace: Path = Path(".kg")
    kg_graph: str = "ptmkg"  # graph name inside the embedded store

    neo4j_uri: str | None = None
    neo4j_user: str = "neo4j"
    neo4j_password: SecretStr | None = None
    neo4j_database: str = "neo4j"

    openalex_url: str | None = None  # a mirror or test server instead of api.openalex.org
    openalex_email: str | None = None
    openalex_api_key: SecretStr | None = None
    openalex_timeout: float = Field(default=30.0, gt=0)  # seconds, connect and read
    openalex_deadline: float = Field(default=120.0, gt=0)  # seconds for one whole request
    openalex_max_mb: float = Field(default=100.0, gt=0)  # largest page accepted (200 works)
    openalex_max_cost: float = Field(default=0.50, ge=0)  # USD a run may cost (--max-cost)

    # open-access full text: each service can point at a mirror or a test server
    pmc_url: str = "https://pmc-oa-opendata.s3.amazonaws.com"  # the PMC Cloud bucket
    idconv_url: str = "https://pmc.ncbi.nlm.nih.gov/tools/idconv/api/v1/articles"  # DOI -> PMCID
    kg_pmc_concurrency: int = Field(default=32, ge=1, le=256)  # bucket requests in flight
    europepmc_url: str = "https://www.ebi.ac.uk/europepmc/webservices/rest"
    plos_url: str = "https://journals.plos.org"
    biorxiv_url: str = "https://api.biorxiv.org"
    kg_fulltext_rate: float = Field(default=5.0, gt=0)  # requests a second to one host
    kg_fulltext_timeout: float = Field(default=30.0, gt=0)  # seconds, connect and read
    kg_fulltext_deadline: float = Field(default=120.0, gt=0)  # seconds for one whole request
    kg_fulltext_max_mb: float = Field(default=50.0, gt=0)  # largest paper, downloaded or in
    # a --fulltext archive

    kg_llm_base_url: str | None = None
    kg_llm_model: str | None = None
    kg_llm_mode: str = "auto"  # auto (asks the server) | tools | json_schema | json | md_json
    kg_llm_timeout: float = Field(default=llm_defaults.TIMEOUT_S, gt=0)  # seconds per request
    kg_llm_retries: int = Field(
        default=llm_defaults.HTTP_RETRIES, ge=0
    )  # HTTP retries per request (429, 5xx; never a timed-out generation)
    kg_llm_temperature: float = Field(
        default=llm_defaults.TEMPERATURE, ge=0, le=2
    )  # 0: the most likely answer
    kg_llm_seed: int | None = llm_defaults.SEED  # sampling seed, where the endpoint honours one
    kg_llm_strict: bool | None = None  # schema enforced by the decoder; unset: on where supported
    kg_llm_max_reuses: int = Field(
        default=llm_defaults.MAX_REUSES, ge=1, le=50
    )  # models kept per paper
    kg_llm_context_window: int | None = Field(default=None, gt=0)  # the endpoint's, in tokens
    kg_llm_max_response_mb: float = Field(
        default=llm_defaults.MAX_RESPONSE_BYTES / 1e6, gt=0
    )  # the largest answer read; a larger one fails its paper, unread
    openai_api_key: SecretStr | None = None

    @field_validator("kg_store", mode="before")
    @classmethod
    def _store_any_case(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("neo4j_uri")
    @classmethod
    def _neo4j_uri(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        parts = urlsplit(value.strip())
        if parts.scheme not in NEO4J_SCHEMES or not parts.hostname:
            raise ValueError(
                f"{mask_url(value)!r} is not a Neo4j URI; write it like bolt://localhost:7687 "
                f"(schemes: {', '.join(NEO4J_SCHEMES)})"
            )
        if parts.username or parts.password:
            raise ValueError(
                f"{mask_url(value)!r} carries credentials; put them in NEO4J_USER and "
                "NEO4J_PASSWORD instead"
            )
        return value.strip()


def load_settings() -> Settings:
    """The settings, or one line naming the variable that is wrong. Its secrets are
    remembered, to be masked in any text that leaves the process."""
    try:
        settings = Settings()
    except ValidationError as error:
        first = error.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "a setting"
        message = str(first["msg"]).removeprefix("Value error, ")
        if first["type"] == "literal_error":
            message = f"use one of {first['ctx']['expected']}"
        raise ConfigError(f"{name}: {message}") from None
    secrets.remember(*(s.get_secret_value() for s in (settings.openai_api_key,
                       settings.neo4j_password, settings.openalex_api_key) if s))  # fmt: skip
    return settings


# --- settings into configs: the one place ------------------------------------------------


def fulltext_services(settings: Settings) -> dict[str, str]:
    """The base URL of each registered full-text service: the setting `<name>_url`."""
    from kg.sources.fulltext.registry import SERVICES

    return {name: str(getattr(settings, f"{name}_url")) for name in SERVICES}


def politeness(settings: Settings, concurrency: int) -> "Politeness":
    from kg.sources.fulltext import Politeness

    return Politeness(
        concurrency=concurrency,
        rate=settings.kg_fulltext_rate,
        timeout=settings.kg_fulltext_timeout,
        email=settings.openalex_email,
        max_bytes=max_bytes(settings),
        deadline=settings.kg_fulltext_deadline,
        bulk_hosts=frozenset({urlsplit(settings.pmc_url).netloc.lower()}),
        bulk_concurrency=settings.kg_pmc_concurrency,
    )


def max_bytes(settings: Settings) -> int:
    """The largest paper accepted, downloaded or in a --fulltext archive."""
    return int(settings.kg_fulltext_max_mb * 1_000_000)


def llm_config(settings: Settings, budget: int | None = None, **decided: Any) -> "LLMConfig":
    """The LLM extractor's config, or one line saying what to set; `decided` holds what the
    endpoint's probe settled (mode, endpoint identity, window) and the run's flags."""
    from extract.llm import LLMConfig

    if not settings.kg_llm_model:
        raise ConfigError(
            "the LLM extractor needs KG_LLM_MODEL (and KG_LLM_BASE_URL for a non-OpenAI "
            "endpoint, OPENAI_API_KEY for OpenAI); or use --extractor rules"
        )
    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
    chosen: dict[str, Any] = dict(
        model=settings.kg_llm_model,
        base_url=settings.kg_llm_base_url,
        api_key=key,
        timeout_s=settings.kg_llm_timeout,
        http_retries=settings.kg_llm_retries,
        temperature=settings.kg_llm_temperature,
        seed=settings.kg_llm_seed,
        strict=settings.kg_llm_strict,
        max_reuses=settings.kg_llm_max_reuses,
        context_window=settings.kg_llm_context_window,
        max_response_bytes=int(settings.kg_llm_max_response_mb * 1_000_000),
        **({"budget": budget} if budget else {}),
    )
    mode = settings.kg_llm_mode if settings.kg_llm_mode != "auto" else llm_defaults.MODE
    return LLMConfig(**(chosen | {"mode": mode} | decided))

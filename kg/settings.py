"""The one settings object: environment variables and a `.env` file, read at the CLI edge."""

from pathlib import Path
from typing import Literal

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


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
    kg_llm_base_url: str | None = None
    kg_llm_model: str | None = None
    kg_llm_mode: str = "tools"  # tools | json_schema | json | md_json (instructor modes)
    openai_api_key: SecretStr | None = None

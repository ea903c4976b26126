"""The project's error hierarchy. Every message says what to do next."""


class KgError(Exception):
    """Base of every error the CLI turns into one clear line."""


class ConfigError(KgError):
    """A setting is missing or wrong."""


class StoreUnavailable(KgError):
    """The graph store cannot be started or reached."""


class InputRejected(KgError):
    """A paper, file or parameter is malformed."""


class QueryFailed(KgError):
    """The graph store refused or failed a Cypher statement."""


class SourceUnavailable(KgError):
    """OpenAlex or a full-text source cannot be reached or keeps failing."""


class WorkspaceUnusable(KgError):
    """The workspace directory or its corpus.sqlite cannot be read or written."""

"""The full-text services, in the order they are tried: the first that returns a full text
wins. A new service is one module with `find(lookup, base)` (see service.py) and one line
here; its base URL comes from the setting `<name>_url` (kg/settings.py)."""

from kg.sources.fulltext import biorxiv, europepmc, plos
from kg.sources.fulltext.service import Find

SERVICES: dict[str, Find] = {
    "europepmc": europepmc.find,
    "plos": plos.find,
    "biorxiv": biorxiv.find,
}

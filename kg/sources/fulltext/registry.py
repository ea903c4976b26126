"""The full-text services, in the order they are tried: the first that returns a full text
wins. A new service is one module with `find(lookup, base)` (see service.py) and one line
here; its base URL comes from the setting `<name>_url` (kg/settings.py). The PMC Cloud
bucket comes first: it holds every paper of PMC's open-access subset and is read in bulk."""

from kg.sources.fulltext import biorxiv, europepmc, plos, pmc
from kg.sources.fulltext.service import Find

SERVICES: dict[str, Find] = {
    "pmc": pmc.find,
    "europepmc": europepmc.find,
    "plos": plos.find,
    "biorxiv": biorxiv.find,
}

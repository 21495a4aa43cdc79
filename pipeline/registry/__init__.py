"""Registry stage: division codes and the portals that publish annual disclosure reports."""
from pipeline.registry.model import Politeness, Portal, Region, ReportColumn
from pipeline.registry.portals import load_portals, registry_version
from pipeline.registry.regions import load_regions, regions_frame
from pipeline.registry.validate import RegistryError

__all__ = [
    "Politeness", "Portal", "Region", "RegistryError", "ReportColumn",
    "load_portals", "load_regions", "regions_frame", "registry_version",
]

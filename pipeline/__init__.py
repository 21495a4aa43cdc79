"""gongkai: an open pipeline for China's government information disclosure annual reports."""
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("gongkai")
except PackageNotFoundError:
    __version__ = "0.0.0+local"

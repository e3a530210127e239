"""Sample datasets: load and validate Data Packages, and generate them from a seed."""

from kit.datasets.dataset import (
    Dataset,
    datasets_root,
    list_datasets,
    load,
    table_hash,
    truth_summary,
)

__all__ = ["Dataset", "datasets_root", "list_datasets", "load", "table_hash", "truth_summary"]

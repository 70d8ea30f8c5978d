"""The workspace's secret store: what `dbutils.secrets` reads, `python -m jupyter_lakehouse.secrets`
writes."""

from .store import SecretStore, secrets_path

__all__ = ["SecretStore", "secrets_path"]

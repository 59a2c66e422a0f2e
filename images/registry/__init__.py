"""The OCI Distribution API (`/v2/`) and the Docker token service (`/token`)."""

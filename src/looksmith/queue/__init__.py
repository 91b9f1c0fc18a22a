"""Job dispatch adapters: they carry ids and call the services."""

"""SQL adapters: tables, repositories, migrations."""

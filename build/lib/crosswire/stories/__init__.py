"""Stories kept over time: ``store`` (SQLite, the only place that knows SQL), ``service`` (add and remove
documents, re-analyse, keep versions: what the CLI and the web app both call), ``diff`` (what changed
between two versions)."""

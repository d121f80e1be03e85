"""What a Dossier becomes for readers and programs: ``json`` (the schema's JSON), ``markdown``, ``html``,
and ``shards`` (one file per story). These read the types in ``crosswire.models`` and nothing else."""

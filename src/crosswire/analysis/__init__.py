"""The analysis: ``pipeline.analyze`` runs the stages over a pile of documents and returns a Dossier
(``reconcile`` holds the stages after annotation, one story at a time); ``engine_ray`` runs the same
stages on Ray; ``workers`` keeps one bad document from stopping the rest."""

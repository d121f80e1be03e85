"""The local web app over the story store (``crosswire serve``)."""

"""What each kind of page shows, read from :class:`kg.serve.site.SiteGraph`: the views the
templates fill in. One module per view: :mod:`.resource` (a resource's page),
:mod:`.summary` (the key facts of the siege), :mod:`.places` (the map),
:mod:`.catalogue` (the index, the ontology's terms)."""

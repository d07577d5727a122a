"""What each kind of page shows, read from :class:`kg.serve.site.SiteGraph`: the views the
templates fill in. :mod:`.resource` (a resource's page), :mod:`.summary` (the key facts
of the siege), :mod:`.timeline` and :mod:`.timeline_order` (the story in order, the
reigns and offices), :mod:`.places` (the map), :mod:`.catalogue` (the index, the
ontology's terms)."""

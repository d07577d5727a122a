"""Figures drawn as SVG on the server, so the pages need no script, no tiles and no
other host: the map of the places (:mod:`.map`), the lane of reigns and offices on the
timeline (:mod:`.lane`)."""

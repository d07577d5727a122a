"""The graph in other triple stores: presets, protocols, loading and querying.

* :mod:`.presets` — the stores the toolkit knows (Oxigraph, Virtuoso, Fuseki …): where
  each keeps its endpoints and how it must be handled; :class:`~.presets.StoreTarget`;
* :mod:`.protocols` — SPARQL 1.1 Query, Update and the Graph Store Protocol over HTTP;
* :mod:`.answers` — a store's answer read with a bound on its decoded size;
* :mod:`.loading` — every part into its own named graph, staged, verified, then swapped;
* :mod:`.queries` — canned and ad hoc queries on a store, answered as embedded;
* :mod:`.virtuoso` — Virtuoso's answers read back without its quirks;
* :mod:`.cli` — ``kg load`` and the store options of ``kg query``.
"""

"""How ``kg serve`` answers SPARQL: the protocol (:mod:`.protocol`: reading a request,
choosing the result's format, the service description), the worker processes that run
every query a client sends under a time and a memory limit (:mod:`.pool`, and
:mod:`.worker`, a script that refuses SERVICE and updates on the parsed query), and the
cache of answers (:mod:`.cache`)."""

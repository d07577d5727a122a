// Validates data graphs with shacl-engine (rdf-ext's SHACL engine), each on its own: the
// trial behind the README's list of that engine's differences from pyshacl. Not a test:
// the project does not depend on Node.js.
//
//   npm install --prefix DIR shacl-engine rdf-ext n3 && cp tests/tools/shacl-engine-each.mjs DIR/
//   node DIR/shacl-engine-each.mjs SHAPES OUT_DIR DATA...
//
// SHAPES and each DATA are files joined by ":" (one graph each). shacl-engine reads
// rdfs:subClassOf from the shapes graph only, so give it the ontology there too:
// ontology/shapes.ttl:ontology/siege626.ttl:ontology/alignments.ttl.
// Writes OUT_DIR/<n>.nt, the validation report of the n-th data graph, in N-Triples.
import { readFileSync, writeFileSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import { Parser, Writer } from 'n3'
import rdf from 'rdf-ext'
import Validator from 'shacl-engine/Validator.js'
import { validations, targetResolvers } from 'shacl-engine/sparql.js'

function load (files) {
  const dataset = rdf.dataset()
  for (const file of files) {
    const parser = new Parser({ baseIRI: pathToFileURL(file).href, factory: rdf })
    for (const quad of parser.parse(readFileSync(file, 'utf8'))) dataset.add(quad)
  }
  return dataset
}

const [shapesFile, outDir, ...cases] = process.argv.slice(2)
const validator = new Validator(load(shapesFile.split(':')), { factory: rdf, validations, targetResolvers })
for (const [index, files] of cases.entries()) {
  const report = await validator.validate({ dataset: load(files.split(':')) })
  const writer = new Writer({ format: 'N-Triples' })
  writeFileSync(`${outDir}/${index}.nt`, writer.quadsToString([...report.dataset]))
}

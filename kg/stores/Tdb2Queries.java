// Run many SPARQL queries on one TDB2 database in one JVM (kg/stores/tdb2.py starts it).
//
// Jena's tdb2.tdbquery runs one query per JVM; the canned queries would then cost a JVM
// start each. Java runs this file from source (`java -cp JENA Tdb2Queries.java LOC JOBS`),
// so nothing is compiled ahead and only Jena's jars are needed.
//
// JOBS is a UTF-8 file, one job a line: QUERY-FILE <TAB> OUTPUT-FILE [<TAB> GRAPH-IRI]...
// The graphs become the query's default graph (as FROM clauses, the dataset that the
// SPARQL Protocol's default-graph-uri names on a server); without any, the query sees
// the database as it is (its named graphs through GRAPH). SELECT and ASK answers are
// written as SPARQL JSON results, CONSTRUCT and DESCRIBE as N-Triples. A job that fails
// writes its one-line message to OUTPUT-FILE.error and the others still run. A database
// that cannot be opened ends the run with "error: MESSAGE" on stderr and exit status 1.

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.apache.jena.query.Dataset;
import org.apache.jena.query.Query;
import org.apache.jena.query.QueryExecution;
import org.apache.jena.query.QueryExecutionFactory;
import org.apache.jena.query.QueryFactory;
import org.apache.jena.query.ResultSetFormatter;
import org.apache.jena.riot.Lang;
import org.apache.jena.riot.RDFDataMgr;
import org.apache.jena.system.Txn;
import org.apache.jena.tdb2.TDB2Factory;

public class Tdb2Queries {
    public static void main(String[] args) {
        try {
            List<String> jobs = Files.readAllLines(Paths.get(args[1]), StandardCharsets.UTF_8);
            Dataset dataset = TDB2Factory.connectDataset(args[0]);
            // One read transaction: every query sees the same state of the database.
            Txn.executeRead(dataset, () -> {
                for (String job : jobs) {
                    if (!job.isEmpty()) {
                        run(dataset, job.split("\t"));
                    }
                }
            });
        } catch (Exception error) {
            System.err.println("error: " + oneLine(error));
            System.exit(1);
        }
    }

    private static void run(Dataset dataset, String[] fields) {
        Path output = Paths.get(fields[1]);
        try (OutputStream stream = Files.newOutputStream(output)) {
            String text = Files.readString(Paths.get(fields[0]), StandardCharsets.UTF_8);
            Query query = QueryFactory.create(text);
            for (int index = 2; index < fields.length; index++) {
                query.addGraphURI(fields[index]);
            }
            try (QueryExecution execution = QueryExecutionFactory.create(query, dataset)) {
                if (query.isSelectType()) {
                    ResultSetFormatter.outputAsJSON(stream, execution.execSelect());
                } else if (query.isAskType()) {
                    ResultSetFormatter.outputAsJSON(stream, execution.execAsk());
                } else if (query.isConstructType()) {
                    RDFDataMgr.write(stream, execution.execConstruct(), Lang.NTRIPLES);
                } else {
                    RDFDataMgr.write(stream, execution.execDescribe(), Lang.NTRIPLES);
                }
            }
        } catch (Exception error) {
            try {
                Files.writeString(Paths.get(fields[1] + ".error"), oneLine(error));
            } catch (IOException ignored) {
                // The missing answer file is reported by the caller instead.
            }
        }
    }

    private static String oneLine(Exception error) {
        String message = error.getMessage() == null ? error.toString() : error.getMessage();
        return message.replaceAll("\\s+", " ").trim();
    }
}

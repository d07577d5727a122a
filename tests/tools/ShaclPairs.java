// Validates pairs of a shapes graph and a data graph, each pair on its own, in one JVM:
// a JVM per pair would cost about two seconds of start-up, and the generated pairs are many.
//
//     java -cp JENA_CLASSPATH ShaclPairs.java OUT_DIR SHAPES DATA [SHAPES DATA]...
//
// Writes OUT_DIR/<n>.ttl, the Turtle validation report of the n-th pair (from 0), as
// Jena's own `shacl validate` command makes it (ShaclValidator), or OUT_DIR/<n>.error,
// the first line of the reason, where Jena refuses the shapes or fails on the pair.
// Started by tests/shacl/test_differential_shapes.py, through kg/stores/jena.py.

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.jena.graph.Graph;
import org.apache.jena.riot.Lang;
import org.apache.jena.riot.RDFDataMgr;
import org.apache.jena.shacl.ShaclValidator;
import org.apache.jena.shacl.Shapes;
import org.apache.jena.shacl.ValidationReport;

public class ShaclPairs {
    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args.length % 2 != 1) {
            System.err.println("usage: ShaclPairs OUT_DIR SHAPES DATA [SHAPES DATA]...");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        for (int i = 1; i < args.length; i += 2) {
            int n = (i - 1) / 2;
            try {
                Shapes shapes = Shapes.parse(RDFDataMgr.loadGraph(args[i]));
                Graph data = RDFDataMgr.loadGraph(args[i + 1]);
                ValidationReport report = ShaclValidator.get().validate(shapes, data);
                try (OutputStream stream = new FileOutputStream(out.resolve(n + ".ttl").toFile())) {
                    RDFDataMgr.write(stream, report.getModel(), Lang.TTL);
                }
            } catch (RuntimeException error) {
                String reason = error.getClass().getSimpleName() + ": " + error.getMessage();
                Files.writeString(
                    out.resolve(n + ".error"), reason.lines().findFirst().orElse(""),
                    StandardCharsets.UTF_8);
            }
        }
    }
}
